package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongBinaryOperator;
import java.util.function.LongUnaryOperator;

/**
 * Shared machinery of the elementwise families: broadcast binary ops with a float32 fast path, a
 * float64 path for the other floating types and a long path for integers and bool, plus unary
 * maps. Inputs are copied into primitive arrays once, so the loops run on arrays the JIT can
 * vectorise, and the result is written back in one bulk put.
 */
public final class ElementwiseKernels {
    /** Per-element work below which a loop is not worth splitting; parallelFor decides the rest. */
    static final long CHEAP = 1;
    /** Elements per block of the float32 streaming loops: three blocks fit in L1 with room to spare. */
    static final int BLOCK = 1024;

    private ElementwiseKernels() {
    }

    /** Arithmetic with a hand-written float32 loop. */
    public enum FloatFast { ADD, SUB, MUL, DIV, MIN, MAX, NONE }

    /**
     * A binary elementwise operation in its three numeric forms.
     *
     * @param fast   float32 fast loop, or {@link FloatFast#NONE}
     * @param dbl    the float form (used for all floating types when fast is NONE)
     * @param lng    the integer/bool form, or null when the op has none
     * @param lngU64 the uint64 form where it differs from {@code lng} (division, order), or null
     */
    public record BinaryOp(FloatFast fast, DoubleBinaryOperator dbl, LongBinaryOperator lng, LongBinaryOperator lngU64) {
        /** @param fast fast loop @param dbl float form @param lng integer form */
        public BinaryOp(FloatFast fast, DoubleBinaryOperator dbl, LongBinaryOperator lng) {
            this(fast, dbl, lng, null);
        }
    }

    /**
     * Applies a broadcast binary op.
     *
     * @param node    for error messages
     * @param a       first input
     * @param b       second input
     * @param outType output element type (the input type, or BOOL for comparisons)
     * @param op      the operation
     * @param ctx     allocation and threads
     * @return the result, of the broadcast shape
     */
    public static Tensor binary(Node node, Tensor a, Tensor b, DataType outType, BinaryOp op, ExecContext ctx) {
        ElementwiseBroadcast plan = ElementwiseBroadcast.of(node, a.shape(), b.shape());
        Tensor out = ctx.allocate(outType, plan.shape());
        int n = plan.size();
        if (n == 0) {
            return out;
        }
        DataType ta = a.dataType();
        DataType tb = b.dataType();
        if (ta == DataType.FLOAT && tb == DataType.FLOAT && (outType == DataType.FLOAT || outType == DataType.BOOL)
                && (op.fast() != FloatFast.NONE || op.dbl() != null)) {
            floatBinary(plan, a.floats(), b.floats(), out, op, ctx);
            return out;
        }
        if (ta.isFloatingPoint() || tb.isFloatingPoint()) {
            if (op.dbl() == null) {
                throw unsupported(node, a);
            }
            double[] x = a.toDoubleArray();
            double[] y = b.toDoubleArray();
            double[] z = new double[n];
            int sa = plan.innerStride(0);
            int sb = plan.innerStride(1);
            DoubleBinaryOperator f = op.dbl();
            ctx.parallelFor(n, CHEAP * 4, (s, e) -> plan.forRange(s, e, (o, offs, len) -> {
                int ia = offs[0];
                int ib = offs[1];
                for (int i = 0; i < len; i++, ia += sa, ib += sb) {
                    z[o + i] = f.applyAsDouble(x[ia], y[ib]);
                }
            }));
            writeDoubles(out, z);
            return out;
        }
        LongBinaryOperator f = ta == DataType.UINT64 && op.lngU64() != null ? op.lngU64() : op.lng();
        if (f == null) {
            throw unsupported(node, a);
        }
        long[] x = a.toLongArray();
        long[] y = b.toLongArray();
        long[] z = new long[n];
        int sa = plan.innerStride(0);
        int sb = plan.innerStride(1);
        ctx.parallelFor(n, CHEAP * 4, (s, e) -> plan.forRange(s, e, (o, offs, len) -> {
            int ia = offs[0];
            int ib = offs[1];
            for (int i = 0; i < len; i++, ia += sa, ib += sb) {
                z[o + i] = f.applyAsLong(x[ia], y[ib]);
            }
        }));
        writeLongs(out, z);
        return out;
    }

    /**
     * The float32 path (hand-written loops for the arithmetic, the op's double form otherwise;
     * float or bool output): each chunk streams its runs through small blocks (bulk copies from
     * and to the direct buffers), so nothing tensor-sized is allocated and the blocks stay in cache.
     */
    private static void floatBinary(ElementwiseBroadcast plan, FloatBuffer fa, FloatBuffer fb, Tensor out,
                                    BinaryOp op, ExecContext ctx) {
        int sa = plan.innerStride(0);
        int sb = plan.innerStride(1);
        boolean toBool = out.dataType() == DataType.BOOL;
        FloatFast fast = toBool ? FloatFast.NONE : op.fast();
        DoubleBinaryOperator g = op.dbl();
        FloatBuffer fo = toBool ? null : out.floats();
        ByteBuffer bo = toBool ? out.buffer() : null;
        ctx.parallelFor(plan.size(), fast == FloatFast.NONE ? CHEAP * 4 : CHEAP, (s, e) -> {
            float[] x = new float[BLOCK];
            float[] y = new float[BLOCK];
            float[] z = new float[BLOCK];
            byte[] zb = toBool ? new byte[BLOCK] : null;
            plan.forRange(s, e, (o, offs, len) -> {
                for (int p = 0; p < len; p += BLOCK) {
                    int l = Math.min(BLOCK, len - p);
                    fa.get(offs[0] + p * sa, x, 0, sa == 0 ? 1 : l);
                    fb.get(offs[1] + p * sb, y, 0, sb == 0 ? 1 : l);
                    if (fast != FloatFast.NONE) {
                        floatRun(fast, x, 0, sa, y, 0, sb, z, 0, l);
                        fo.put(o + p, z, 0, l);
                    } else if (toBool) {
                        for (int i = 0; i < l; i++) {
                            zb[i] = (byte) (g.applyAsDouble(x[i * sa], y[i * sb]) != 0 ? 1 : 0);
                        }
                        bo.put(o + p, zb, 0, l);
                    } else {
                        for (int i = 0; i < l; i++) {
                            z[i] = (float) g.applyAsDouble(x[i * sa], y[i * sb]);
                        }
                        fo.put(o + p, z, 0, l);
                    }
                }
            });
        });
    }

    /** A float32 loop over one block: {@code dst[i] = f(src[i])} for {@code i < len}. */
    @FunctionalInterface
    public interface FloatBlock {
        /** @param src input block @param dst output block @param len elements to process */
        void apply(float[] src, float[] dst, int len);
    }

    /**
     * Maps a float32 tensor block by block (no tensor-sized temporaries), in parallel.
     *
     * @param x    float32 input
     * @param cost rough work per element
     * @param ctx  allocation and threads
     * @param f    the block loop
     * @return a new float32 tensor of x's shape
     */
    public static Tensor mapFloat(Tensor x, long cost, ExecContext ctx, FloatBlock f) {
        Tensor out = ctx.allocate(DataType.FLOAT, x.shape());
        FloatBuffer in = x.floats();
        FloatBuffer o = out.floats();
        int n = x.numel();
        int blocks = (n + BLOCK - 1) / BLOCK;
        ctx.parallelFor(blocks, cost * BLOCK, (s, e) -> {
            float[] src = new float[BLOCK];
            float[] dst = new float[BLOCK];
            for (int b = s; b < e; b++) {
                int off = b * BLOCK;
                int l = Math.min(BLOCK, n - off);
                in.get(off, src, 0, l);
                f.apply(src, dst, l);
                o.put(off, dst, 0, l);
            }
        });
        return out;
    }

    private static void floatRun(FloatFast f, float[] x, int ia, int sa, float[] y, int ib, int sb,
                                 float[] z, int o, int len) {
        if (sa == 1 && sb == 1) {
            switch (f) {
                case ADD: for (int i = 0; i < len; i++) { z[o + i] = x[ia + i] + y[ib + i]; } break;
                case SUB: for (int i = 0; i < len; i++) { z[o + i] = x[ia + i] - y[ib + i]; } break;
                case MUL: for (int i = 0; i < len; i++) { z[o + i] = x[ia + i] * y[ib + i]; } break;
                case DIV: for (int i = 0; i < len; i++) { z[o + i] = x[ia + i] / y[ib + i]; } break;
                case MIN: for (int i = 0; i < len; i++) { z[o + i] = Math.min(x[ia + i], y[ib + i]); } break;
                default: for (int i = 0; i < len; i++) { z[o + i] = Math.max(x[ia + i], y[ib + i]); } break;
            }
        } else if (sb == 0) {
            float v = y[ib];
            switch (f) {
                case ADD: for (int i = 0; i < len; i++) { z[o + i] = x[ia + i * sa] + v; } break;
                case SUB: for (int i = 0; i < len; i++) { z[o + i] = x[ia + i * sa] - v; } break;
                case MUL: for (int i = 0; i < len; i++) { z[o + i] = x[ia + i * sa] * v; } break;
                case DIV: for (int i = 0; i < len; i++) { z[o + i] = x[ia + i * sa] / v; } break;
                case MIN: for (int i = 0; i < len; i++) { z[o + i] = Math.min(x[ia + i * sa], v); } break;
                default: for (int i = 0; i < len; i++) { z[o + i] = Math.max(x[ia + i * sa], v); } break;
            }
        } else {
            float v = x[ia];
            switch (f) {
                case ADD: for (int i = 0; i < len; i++) { z[o + i] = v + y[ib + i * sb]; } break;
                case SUB: for (int i = 0; i < len; i++) { z[o + i] = v - y[ib + i * sb]; } break;
                case MUL: for (int i = 0; i < len; i++) { z[o + i] = v * y[ib + i * sb]; } break;
                case DIV: for (int i = 0; i < len; i++) { z[o + i] = v / y[ib + i * sb]; } break;
                case MIN: for (int i = 0; i < len; i++) { z[o + i] = Math.min(v, y[ib + i * sb]); } break;
                default: for (int i = 0; i < len; i++) { z[o + i] = Math.max(v, y[ib + i * sb]); } break;
            }
        }
    }

    /**
     * Applies a unary op: {@code fd} to floating inputs, {@code fl} to integer/bool inputs.
     *
     * @param node    for error messages
     * @param x       input
     * @param outType output type, or null for the input's type
     * @param fd      float form (null: floats unsupported)
     * @param fl      integer form (null: integers unsupported)
     * @param cost    rough work per element, for splitting
     * @param ctx     allocation and threads
     * @return the result
     */
    public static Tensor unary(Node node, Tensor x, DataType outType, DoubleUnaryOperator fd, LongUnaryOperator fl,
                               long cost, ExecContext ctx) {
        return unary(node, x, outType, null, fd, fl, cost, ctx);
    }

    /**
     * Like {@link #unary(Node, Tensor, DataType, DoubleUnaryOperator, LongUnaryOperator, long, ExecContext)},
     * with a float32 block loop ({@link ElementwiseFast}) used instead of {@code fd} for float32
     * in and out: no per-element virtual call or double round-trip on the hot path.
     *
     * @param node    for error messages
     * @param x       input
     * @param outType output type, or null for the input's type
     * @param fast    float32 block loop, or null
     * @param fd      float form (null: floats unsupported)
     * @param fl      integer form (null: integers unsupported)
     * @param cost    rough work per element, for splitting
     * @param ctx     allocation and threads
     * @return the result
     */
    public static Tensor unary(Node node, Tensor x, DataType outType, FloatBlock fast, DoubleUnaryOperator fd,
                               LongUnaryOperator fl, long cost, ExecContext ctx) {
        DataType t = x.dataType();
        DataType ot = outType == null ? t : outType;
        if (t == DataType.FLOAT && ot == DataType.FLOAT && fast != null) {
            return mapFloat(x, cost, ctx, fast);
        }
        if (t == DataType.FLOAT && ot == DataType.FLOAT && fd != null) {
            return mapFloat(x, cost, ctx, (src, dst, len) -> {
                for (int i = 0; i < len; i++) {
                    dst[i] = (float) fd.applyAsDouble(src[i]);
                }
            });
        }
        Tensor out = ctx.allocate(ot, x.shape());
        int n = x.numel();
        if (t.isFloatingPoint() && fd != null) {

            double[] in = x.toDoubleArray();
            double[] z = new double[n];
            ctx.parallelFor(n, cost, (s, e) -> {
                for (int i = s; i < e; i++) {
                    z[i] = fd.applyAsDouble(in[i]);
                }
            });
            writeDoubles(out, z);
            return out;
        }
        if (!t.isFloatingPoint() && t != DataType.STRING && fl != null) {
            long[] in = x.toLongArray();
            long[] z = new long[n];
            ctx.parallelFor(n, cost, (s, e) -> {
                for (int i = s; i < e; i++) {
                    z[i] = fl.applyAsLong(in[i]);
                }
            });
            writeLongs(out, z);
            return out;
        }
        throw unsupported(node, x);
    }

    /**
     * Writes doubles into a tensor of any numeric type (converting with setDouble semantics).
     *
     * @param out destination, at least {@code z.length} elements
     * @param z   values
     */
    public static void writeDoubles(Tensor out, double[] z) {
        switch (out.dataType()) {
            case DOUBLE:
                out.doubles().put(z);
                break;
            case FLOAT: {
                float[] f = new float[z.length];
                for (int i = 0; i < z.length; i++) {
                    f[i] = (float) z[i];
                }
                out.floats().put(f);
                break;
            }
            default:
                for (int i = 0; i < z.length; i++) {
                    out.setDouble(i, z[i]);
                }
        }
    }

    /**
     * Writes longs into a tensor of any numeric type (integers wrap to their width).
     *
     * @param out destination
     * @param z   values
     */
    public static void writeLongs(Tensor out, long[] z) {
        switch (out.dataType()) {
            case INT64:
            case UINT64:
                out.longs().put(z);
                break;
            case FLOAT:
            case DOUBLE:
            case FLOAT16:
            case BFLOAT16:
                for (int i = 0; i < z.length; i++) {
                    out.setDouble(i, z[i]);
                }
                break;
            default:
                for (int i = 0; i < z.length; i++) {
                    out.setLong(i, z[i]);
                }
        }
    }

    /**
     * @param node the node
     * @param t    the offending input
     * @return an error naming the unsupported element type
     */
    static InvalidInputException unsupported(Node node, Tensor t) {
        return new InvalidInputException(node + ": element type " + t.dataType() + " of input " + t
                + " is not supported by this operator");
    }

    /**
     * Requires all inputs to share one element type.
     *
     * @param node   for the message
     * @param inputs tensors (nulls ignored)
     */
    static void sameType(Node node, Tensor... inputs) {
        DataType t = null;
        for (Tensor x : inputs) {
            if (x == null) {
                continue;
            }
            if (t == null) {
                t = x.dataType();
            } else if (x.dataType() != t) {
                throw new InvalidInputException(node + ": inputs must share one element type, got " + t + " and "
                        + x.dataType());
            }
        }
    }
}
