package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;
import dev.clinfer.ops.ElementwiseKernels.BinaryOp;
import dev.clinfer.ops.ElementwiseKernels.FloatFast;

import java.util.Arrays;

/**
 * Java CPU kernels: elementwise math, comparison and logic with broadcasting. Unary math lives in
 * {@link ElementwiseUnaryOps}, Where/Clip in {@link ElementwiseSelectOps}, Cast in
 * {@link ElementwiseCastOps}; this class registers them all.
 */
public final class ElementwiseOps {
    private ElementwiseOps() {
    }

    static final BinaryOp ADD = new BinaryOp(FloatFast.ADD, (x, y) -> x + y, (x, y) -> x + y);
    static final BinaryOp SUB = new BinaryOp(FloatFast.SUB, (x, y) -> x - y, (x, y) -> x - y);
    static final BinaryOp MUL = new BinaryOp(FloatFast.MUL, (x, y) -> x * y, (x, y) -> x * y);
    // Integer division truncates toward zero as in C; division by zero is undefined in ONNX, we give 0.
    static final BinaryOp DIV = new BinaryOp(FloatFast.DIV, (x, y) -> x / y, (x, y) -> y == 0 ? 0 : x / y,
            (x, y) -> y == 0 ? 0 : Long.divideUnsigned(x, y));
    static final BinaryOp MIN = new BinaryOp(FloatFast.MIN, Math::min, Math::min,
            (x, y) -> Long.compareUnsigned(x, y) <= 0 ? x : y);
    static final BinaryOp MAX = new BinaryOp(FloatFast.MAX, Math::max, Math::max,
            (x, y) -> Long.compareUnsigned(x, y) >= 0 ? x : y);
    static final BinaryOp POW = new BinaryOp(FloatFast.NONE, Math::pow, ElementwiseOps::intPow);

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        r.register("Add", binary(ADD, false));
        r.register("Sub", binary(SUB, false));
        r.register("Mul", binary(MUL, false));
        r.register("Div", binary(DIV, false));
        r.register("Pow", (node, in, ctx) -> new Tensor[] {
                ElementwiseKernels.binary(node, in[0], oldBroadcast(node, in[0], in[1]), in[0].dataType(), POW, ctx)});
        r.register("Mod", (node, in, ctx) -> new Tensor[] {mod(node, in[0], in[1], ctx)});
        r.register("Min", variadic(MIN, false));
        r.register("Max", variadic(MAX, false));
        r.register("Sum", variadic(ADD, false));
        r.register("Mean", variadic(ADD, true));

        r.register("Equal", binary(new BinaryOp(FloatFast.NONE, (x, y) -> x == y ? 1 : 0, (x, y) -> x == y ? 1 : 0), true));
        r.register("Less", binary(new BinaryOp(FloatFast.NONE, (x, y) -> x < y ? 1 : 0, (x, y) -> x < y ? 1 : 0,
                (x, y) -> Long.compareUnsigned(x, y) < 0 ? 1 : 0), true));
        r.register("LessOrEqual", binary(new BinaryOp(FloatFast.NONE, (x, y) -> x <= y ? 1 : 0,
                (x, y) -> x <= y ? 1 : 0, (x, y) -> Long.compareUnsigned(x, y) <= 0 ? 1 : 0), true));
        r.register("Greater", binary(new BinaryOp(FloatFast.NONE, (x, y) -> x > y ? 1 : 0, (x, y) -> x > y ? 1 : 0,
                (x, y) -> Long.compareUnsigned(x, y) > 0 ? 1 : 0), true));
        r.register("GreaterOrEqual", binary(new BinaryOp(FloatFast.NONE, (x, y) -> x >= y ? 1 : 0,
                (x, y) -> x >= y ? 1 : 0, (x, y) -> Long.compareUnsigned(x, y) >= 0 ? 1 : 0), true));

        r.register("And", logic((x, y) -> (x != 0 && y != 0) ? 1 : 0));
        r.register("Or", logic((x, y) -> (x != 0 || y != 0) ? 1 : 0));
        r.register("Xor", logic((x, y) -> ((x != 0) != (y != 0)) ? 1 : 0));
        r.register("BitwiseAnd", binary(new BinaryOp(FloatFast.NONE, null, (x, y) -> x & y), false));
        r.register("BitwiseOr", binary(new BinaryOp(FloatFast.NONE, null, (x, y) -> x | y), false));
        r.register("BitwiseXor", binary(new BinaryOp(FloatFast.NONE, null, (x, y) -> x ^ y), false));
        r.register("BitShift", ElementwiseOps::bitShift);

        ElementwiseUnaryOps.register(r);
        ElementwiseSelectOps.register(r);
        ElementwiseCastOps.register(r);
    }

    private static Operator binary(BinaryOp op, boolean toBool) {
        return (node, in, ctx) -> {
            requireInputs(node, in, 2);
            Tensor a = in[0];
            Tensor b = oldBroadcast(node, a, in[1]);
            ElementwiseKernels.sameType(node, a, b);
            return new Tensor[] {ElementwiseKernels.binary(node, a, b, toBool ? DataType.BOOL : a.dataType(), op, ctx)};
        };
    }

    private static Operator logic(java.util.function.LongBinaryOperator f) {
        BinaryOp op = new BinaryOp(FloatFast.NONE, null, f);
        return (node, in, ctx) -> {
            requireInputs(node, in, 2);
            Tensor a = in[0];
            Tensor b = oldBroadcast(node, a, in[1]);
            if (a.dataType() != DataType.BOOL || b.dataType() != DataType.BOOL) {
                throw new InvalidInputException(node + ": inputs must be bool, got " + a.dataType() + " and "
                        + b.dataType());
            }
            return new Tensor[] {ElementwiseKernels.binary(node, a, b, DataType.BOOL, op, ctx)};
        };
    }

    /** Variadic Min/Max/Sum/Mean: a left fold of the broadcast binary op. */
    private static Operator variadic(BinaryOp op, boolean mean) {
        return (node, in, ctx) -> {
            int n = 0;
            Tensor acc = null;
            for (Tensor t : in) {
                if (t == null) {
                    continue;
                }
                n++;
                if (acc == null) {
                    acc = t;
                } else {
                    ElementwiseKernels.sameType(node, acc, t);
                    acc = ElementwiseKernels.binary(node, acc, t, acc.dataType(), op, ctx);
                }
            }
            if (acc == null) {
                throw new InvalidInputException(node + ": needs at least one input");
            }
            if (n == 1) {
                return new Tensor[] {acc};
            }
            if (mean) {
                double count = n;
                acc = ElementwiseKernels.unary(node, acc, null, v -> v / count, v -> v / (long) count, 1, ctx);
            }
            return new Tensor[] {acc};
        };
    }

    /**
     * Opset &lt; 7 Add/Sub/Mul/Div/Pow/logic: with {@code broadcast=1}, B's dims line up with A's
     * starting at {@code axis} (default: trailing alignment). Reshaping B to A's rank with ones
     * around it turns that into a numpy broadcast.
     */
    static Tensor oldBroadcast(Node node, Tensor a, Tensor b) {
        if (node.opset() >= 7 || node.attrInt("broadcast", 0) == 0) {
            return b;
        }
        int ra = a.rank();
        int rb = b.rank();
        long axis = node.attrInt("axis", ra - rb);
        if (axis < 0) {
            axis += ra;
        }
        if (axis < 0 || axis + rb > ra) {
            throw new InvalidInputException(node + ": cannot broadcast B " + Arrays.toString(b.shape()) + " into A "
                    + Arrays.toString(a.shape()) + " at axis " + node.attrInt("axis", ra - rb));
        }
        long[] shape = new long[ra];
        Arrays.fill(shape, 1);
        long[] bs = b.shape();
        System.arraycopy(bs, 0, shape, (int) axis, rb);
        return b.reshape(shape);
    }

    static void requireInputs(Node node, Tensor[] in, int n) {
        if (in.length < n) {
            throw new InvalidInputException(node + ": expects " + n + " inputs, got " + in.length);
        }
        for (int i = 0; i < n; i++) {
            if (in[i] == null) {
                throw new InvalidInputException(node + ": input " + i + " is missing");
            }
        }
    }

    /** Integer power by squaring; negative exponents follow integer truncation of 1/x^k. */
    static long intPow(long base, long exp) {
        if (exp < 0) {
            return base == 1 ? 1 : base == -1 ? ((exp & 1) == 0 ? 1 : -1) : 0;
        }
        long result = 1;
        long b = base;
        long e = exp;
        while (e > 0) {
            if ((e & 1) != 0) {
                result *= b;
            }
            b *= b;
            e >>= 1;
        }
        return result;
    }

    private static Tensor mod(Node node, Tensor a, Tensor b, ExecContext ctx) {
        ElementwiseKernels.sameType(node, a, b);
        boolean fmod = node.attrInt("fmod", 0) != 0;
        BinaryOp op;
        if (fmod) {
            // C fmod: the result takes the dividend's sign (Java's % on both ints and floats).
            op = new BinaryOp(FloatFast.NONE, (x, y) -> x % y, (x, y) -> y == 0 ? 0 : x % y,
                    (x, y) -> y == 0 ? 0 : Long.remainderUnsigned(x, y));
        } else {
            // Python-style: the result takes the divisor's sign.
            op = new BinaryOp(FloatFast.NONE, (x, y) -> {
                double m = x % y;
                return m != 0 && (m < 0) != (y < 0) ? m + y : m;
            }, (x, y) -> {
                if (y == 0) {
                    return 0;
                }
                long m = x % y;
                return m != 0 && (m < 0) != (y < 0) ? m + y : m;
            }, (x, y) -> y == 0 ? 0 : Long.remainderUnsigned(x, y));
        }
        return ElementwiseKernels.binary(node, a, b, a.dataType(), op, ctx);
    }

    private static Tensor[] bitShift(Node node, Tensor[] in, ExecContext ctx) {
        requireInputs(node, in, 2);
        String dir = node.attrString("direction", "");
        BinaryOp op;
        if (dir.equals("LEFT")) {
            op = new BinaryOp(FloatFast.NONE, null, (x, y) -> y >= 64 || y < 0 ? 0 : x << y);
        } else if (dir.equals("RIGHT")) {
            // Unsigned inputs arrive zero-extended, so a logical shift is right for every width.
            op = new BinaryOp(FloatFast.NONE, null, (x, y) -> y >= 64 || y < 0 ? 0 : x >>> y);
        } else {
            throw new InvalidInputException(node + ": attribute direction must be LEFT or RIGHT, got '" + dir + "'");
        }
        ElementwiseKernels.sameType(node, in[0], in[1]);
        return new Tensor[] {ElementwiseKernels.binary(node, in[0], in[1], in[0].dataType(), op, ctx)};
    }
}
