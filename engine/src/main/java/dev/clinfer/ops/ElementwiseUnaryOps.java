package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;

import java.util.function.DoubleUnaryOperator;
import java.util.function.LongUnaryOperator;

/** Java CPU kernels: unary elementwise math, IsNaN/IsInf, Not and BitwiseNot. */
public final class ElementwiseUnaryOps {
    private ElementwiseUnaryOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        floatOp(r, "Sqrt", ElementwiseFast::sqrt, Math::sqrt, 2);
        floatOp(r, "Exp", ElementwiseFast::exp, Math::exp, 8);
        floatOp(r, "Log", Math::log, 8);
        floatOp(r, "Reciprocal", ElementwiseFast::reciprocal, x -> 1.0 / x, 2);
        floatOp(r, "Floor", Math::floor, 1);
        floatOp(r, "Ceil", Math::ceil, 1);
        floatOp(r, "Round", Math::rint, 1); // rint rounds halves to even, as ONNX Round does
        floatOp(r, "Sin", Math::sin, 16);
        floatOp(r, "Cos", Math::cos, 16);
        floatOp(r, "Tan", Math::tan, 16);
        floatOp(r, "Asin", Math::asin, 16);
        floatOp(r, "Acos", Math::acos, 16);
        floatOp(r, "Atan", Math::atan, 16);
        floatOp(r, "Sinh", Math::sinh, 16);
        floatOp(r, "Cosh", Math::cosh, 16);
        floatOp(r, "Asinh", ElementwiseMath::asinh, 16);
        floatOp(r, "Acosh", ElementwiseMath::acosh, 16);
        floatOp(r, "Atanh", ElementwiseMath::atanh, 16);
        floatOp(r, "Erf", ElementwiseFast::erf, ElementwiseMath::erf, 32);

        numericOp(r, "Abs", Math::abs, Math::abs);
        numericOp(r, "Neg", x -> -x, x -> -x);
        numericOp(r, "Sign", Math::signum, Long::signum);

        r.register("IsNaN", (node, in, ctx) -> new Tensor[] {
                ElementwiseKernels.unary(node, in[0], DataType.BOOL, x -> Double.isNaN(x) ? 1 : 0, null, 1, ctx)});
        r.register("IsInf", (node, in, ctx) -> {
            boolean neg = node.attrInt("detect_negative", 1) != 0;
            boolean pos = node.attrInt("detect_positive", 1) != 0;
            DoubleUnaryOperator f = x -> (x == Double.POSITIVE_INFINITY && pos) || (x == Double.NEGATIVE_INFINITY && neg)
                    ? 1 : 0;
            return new Tensor[] {ElementwiseKernels.unary(node, in[0], DataType.BOOL, f, null, 1, ctx)};
        });
        r.register("Not", (node, in, ctx) -> {
            if (in[0].dataType() != DataType.BOOL) {
                throw new InvalidInputException(node + ": input must be bool, got " + in[0].dataType());
            }
            return new Tensor[] {ElementwiseKernels.unary(node, in[0], null, null, x -> x == 0 ? 1 : 0, 1, ctx)};
        });
        r.register("BitwiseNot", (node, in, ctx) -> new Tensor[] {
                ElementwiseKernels.unary(node, in[0], null, null, x -> ~x, 1, ctx)});
    }

    private static void floatOp(OpRegistry r, String name, DoubleUnaryOperator f, long cost) {
        floatOp(r, name, null, f, cost);
    }

    private static void floatOp(OpRegistry r, String name, ElementwiseKernels.FloatBlock fast, DoubleUnaryOperator f,
                                long cost) {
        r.register(name, (node, in, ctx) -> new Tensor[] {
                ElementwiseKernels.unary(node, in[0], null, fast, f, null, cost, ctx)});
    }

    private static void numericOp(OpRegistry r, String name, DoubleUnaryOperator f, LongUnaryOperator l) {
        r.register(name, (node, in, ctx) -> {
            Tensor x = in[0];
            // Unsigned values arrive zero-extended, so |x| is x and sign(x) is 0 or 1.
            LongUnaryOperator lf = l;
            if (x.dataType().isUnsigned()) {
                lf = name.equals("Abs") ? v -> v : name.equals("Sign") ? v -> v != 0 ? 1 : 0 : l;
            }
            ElementwiseKernels.FloatBlock fast = name.equals("Abs") ? ElementwiseFast::abs
                    : name.equals("Neg") ? ElementwiseFast::neg : null;
            return new Tensor[] {ElementwiseKernels.unary(node, x, null, fast, f, lf, 1, ctx)};
        });
    }
}
