package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.api.UnsupportedOperatorException;
import dev.clinfer.cpu.GemmWeightCache;
import dev.clinfer.ir.Node;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Java CPU kernels: Conv, ConvTranspose, ConvInteger and QLinearConv. float32 (and float16 via
 * float32) runs on {@link ConvFloat} / {@link ConvTransposeFloat}; float64 and the integer forms
 * on {@link ConvDirect}.
 */
public final class ConvOps {
    private ConvOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        r.register("Conv", ConvOps::conv);
        r.register("ConvTranspose", ConvOps::convTranspose);
        r.register("ConvInteger", ConvOps::convInteger);
        r.register("QLinearConv", ConvOps::qlinearConv);
    }

    static Tensor[] conv(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = MatMulOps.require(node, in, 0, "X");
        Tensor w = MatMulOps.require(node, in, 1, "W");
        Tensor b = in.length > 2 ? in[2] : null;
        ConvGeometry g = ConvGeometry.forConv(node, x.shape(), w.shape());
        checkBias(node, b, g.m);
        return new Tensor[] {run(node, g, x, w, b, ctx, false)};
    }

    /**
     * A float32 Conv with a fused epilogue: the entry for FusedConv and FusedConvAdd nodes. A float32
     * input and output are read and written in place.
     *
     * @param node the node (attributes, messages)
     * @param x    input (float32, float16 or bfloat16)
     * @param w    weights (cached packed when an initializer)
     * @param b    bias, or null
     * @param act  activation applied last
     * @param sum  residual added before the activation (the output's shape), or null
     * @param ctx  context
     * @return the output, of x's type
     */
    static Tensor convFloatFused(Node node, Tensor x, Tensor w, Tensor b, FusedActivation act, Tensor sum,
                                 ExecContext ctx) {
        ConvGeometry g = ConvGeometry.forConv(node, x.shape(), w.shape());
        checkBias(node, b, g.m);
        DataType t = x.dataType();
        if (t != DataType.FLOAT && t != DataType.FLOAT16 && t != DataType.BFLOAT16) {
            throw new UnsupportedOperatorException(node + ": fused Conv supports float types only, got " + t);
        }
        Tensor y = ctx.allocateUninitialized(t, g.outputShape()); // putFloats writes every element
        if (y.size() == 0) {
            return y;
        }
        if (sum != null && (sum.dataType() != DataType.FLOAT || !Arrays.equals(sum.shape(), y.shape()))) {
            throw new InvalidInputException(node + ": the residual must be float32 of shape "
                    + Arrays.toString(y.shape()) + ", got " + sum.dataType() + " " + Arrays.toString(sum.shape()));
        }
        convFloat(g, x, w, floatBias(b), new ConvEpilogue(act, sum == null ? null : sum.floats()), y, ctx);
        return y;
    }

    /**
     * {@link ConvFloat} on tensors: float32 ones are read and written in place; other float types
     * go through arrays.
     */
    private static void convFloat(ConvGeometry g, Tensor x, Tensor w, float[] bias, ConvEpilogue ep, Tensor y,
                                  ExecContext ctx) {
        FloatBuffer xb = x.dataType() == DataType.FLOAT ? x.floats() : FloatBuffer.wrap(x.toFloatArray());
        if (y.dataType() == DataType.FLOAT) {
            ConvFloat.run(g, xb, w, bias, ep, y.floats(), ctx);
            return;
        }
        int n = y.numel();
        float[] out = new float[n];
        ConvFloat.run(g, xb, w, bias, ep, FloatBuffer.wrap(out), ctx);
        putFloats(y, out, n);
    }

    /** @return the bias as floats, cached for initializers */
    private static float[] floatBias(Tensor b) {
        return b == null ? null : GemmWeightCache.get(b, "f32", b.numel(), b::toFloatArray);
    }

    /** Copies the first {@code n} values of {@code src} into {@code y}. */
    private static void putFloats(Tensor y, float[] src, int n) {
        if (y.dataType() == DataType.FLOAT) {
            y.floats().put(0, src, 0, n);
        } else {
            for (int i = 0; i < n; i++) {
                y.setDouble(i, src[i]);
            }
        }
    }

    static Tensor[] convTranspose(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = MatMulOps.require(node, in, 0, "X");
        Tensor w = MatMulOps.require(node, in, 1, "W");
        Tensor b = in.length > 2 ? in[2] : null;
        ConvGeometry g = ConvGeometry.forTranspose(node, x.shape(), w.shape());
        checkBias(node, b, g.m);
        return new Tensor[] {run(node, g, x, w, b, ctx, true)};
    }

    private static Tensor run(Node node, ConvGeometry g, Tensor x, Tensor w, Tensor b, ExecContext ctx,
                              boolean transpose) {
        DataType t = x.dataType();
        // Every supported branch below stores a full output array; other types throw.
        Tensor y = ctx.allocateUninitialized(t, g.outputShape());
        if (y.size() == 0) {
            return y;
        }
        switch (t) {
            case FLOAT: case FLOAT16: case BFLOAT16: {
                float[] bias = floatBias(b);
                if (transpose) {
                    float[] out = new float[y.numel()];
                    ConvTransposeFloat.run(g, x.toFloatArray(), w, bias, out, ctx);
                    MatMulOps.putFloats(y, out);
                } else {
                    convFloat(g, x, w, bias, ConvEpilogue.NONE, y, ctx);
                }
                break;
            }
            case DOUBLE: {
                double[] out = new double[y.numel()];
                if (transpose) {
                    ConvDirect.convTranspose(g, x.toDoubleArray(), w.toDoubleArray(), out, ctx);
                } else {
                    ConvDirect.conv(g, x.toDoubleArray(), w.toDoubleArray(), out, ctx);
                }
                if (b != null) {
                    double[] bias = b.toDoubleArray();
                    for (int i = 0; i < out.length; i++) {
                        out[i] += bias[(i / g.outSize) % g.m];
                    }
                }
                y.doubles().put(out);
                break;
            }
            default:
                throw new UnsupportedOperatorException(node + ": " + node.opType() + " does not support " + t);
        }
        return y;
    }

    static Tensor[] convInteger(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = MatMulOps.require(node, in, 0, "x");
        Tensor w = MatMulOps.require(node, in, 1, "w");
        ConvGeometry g = ConvGeometry.forConv(node, x.shape(), w.shape());
        double[] acc = integerConv(node, g, x, in.length > 2 ? in[2] : null, w, in.length > 3 ? in[3] : null, ctx);
        Tensor y = ctx.allocate(DataType.INT32, g.outputShape());
        for (int i = 0; i < acc.length; i++) {
            y.setLong(i, (long) acc[i]);
        }
        return new Tensor[] {y};
    }

    static Tensor[] qlinearConv(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = MatMulOps.require(node, in, 0, "x");
        Tensor xScale = MatMulOps.require(node, in, 1, "x_scale");
        Tensor xZp = MatMulOps.optional(in, 2);
        Tensor w = MatMulOps.require(node, in, 3, "w");
        Tensor wScale = MatMulOps.require(node, in, 4, "w_scale");
        Tensor wZp = MatMulOps.optional(in, 5);
        Tensor yScale = MatMulOps.require(node, in, 6, "y_scale");
        Tensor yZp = MatMulOps.optional(in, 7);
        Tensor b = MatMulOps.optional(in, 8);
        ConvGeometry g = ConvGeometry.forConv(node, x.shape(), w.shape());
        checkBias(node, b, g.m);
        double[] acc = integerConv(node, g, x, xZp, w, wZp, ctx);
        float xs = (float) xScale.getDouble(0);
        float ys = (float) yScale.getDouble(0);
        int ws = wScale.numel();
        if (ws != 1 && ws != g.m) {
            throw new InvalidInputException(node + ": w_scale has " + ws + " values, want 1 or " + g.m);
        }
        float[] mult = new float[g.m];
        for (int oc = 0; oc < g.m; oc++) {
            // Single-precision multiplier, as the float32 scales give it.
            mult[oc] = xs * (float) wScale.getDouble(ws == 1 ? 0 : oc) / ys;
        }
        DataType outType = yZp != null ? yZp.dataType() : x.dataType();
        double zp = yZp == null ? 0 : yZp.getLong(0);
        long[] bias = b == null ? null : b.toLongArray();
        Tensor y = ctx.allocate(outType, g.outputShape());
        for (int i = 0; i < acc.length; i++) {
            int oc = (i / g.outSize) % g.m;
            double v = acc[i] + (bias == null ? 0 : bias[oc]);
            y.setLong(i, QuantMath.saturate(v * mult[oc] + zp, outType));
        }
        return new Tensor[] {y};
    }

    /** The exact integer convolution of (x - x_zp) with (w - w_zp), w_zp scalar or per output channel. */
    private static double[] integerConv(Node node, ConvGeometry g, Tensor x, Tensor xZp, Tensor w, Tensor wZp,
                                        ExecContext ctx) {
        double[] xv = x.toDoubleArray();
        if (xZp != null) {
            if (xZp.numel() != 1) {
                throw new InvalidInputException(node + ": x_zero_point must be a scalar, got "
                        + Arrays.toString(xZp.shape()));
            }
            double z = xZp.getLong(0);
            for (int i = 0; i < xv.length; i++) {
                xv[i] -= z;
            }
        }
        double[] wv = w.toDoubleArray();
        if (wZp != null) {
            int nz = wZp.numel();
            if (nz != 1 && nz != g.m) {
                throw new InvalidInputException(node + ": w_zero_point has " + nz + " values, want 1 or " + g.m);
            }
            int per = wv.length / Math.max(1, g.m);
            for (int i = 0; i < wv.length; i++) {
                wv[i] -= wZp.getLong(nz == 1 ? 0 : i / per);
            }
        }
        double[] acc = new double[OpUtil.size(g.outputShape())];
        ConvDirect.conv(g, xv, wv, acc, ctx);
        return acc;
    }

    private static void checkBias(Node node, Tensor b, int m) {
        if (b != null && b.size() != m) {
            throw new InvalidInputException(node + ": bias B has shape " + Arrays.toString(b.shape()) + ", want [" + m + "]");
        }
    }
}
