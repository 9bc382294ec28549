package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.api.UnsupportedOperatorException;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/**
 * Java CPU kernels: QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear and QLinearMatMul
 * (per-tensor and per-axis, uint8/int8; round half to even, saturating). The arithmetic follows
 * the float32 steps of the ONNX reference so results match it bit for bit.
 */
public final class QuantizeOps {
    private QuantizeOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        r.register("QuantizeLinear", QuantizeOps::quantizeLinear);
        r.register("DequantizeLinear", QuantizeOps::dequantizeLinear);
        r.register("DynamicQuantizeLinear", QuantizeOps::dynamicQuantizeLinear);
        r.register("QLinearMatMul", QuantizeOps::qlinearMatMul);
    }

    static Tensor[] quantizeLinear(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = MatMulOps.require(node, in, 0, "x");
        Tensor scale = MatMulOps.require(node, in, 1, "y_scale");
        Tensor zp = MatMulOps.optional(in, 2);
        DataType outType = zp != null ? zp.dataType() : DataType.UINT8;
        if (!outType.isInteger()) {
            throw new UnsupportedOperatorException(node + ": QuantizeLinear to " + outType + " is not supported");
        }
        long[] shape = x.shape();
        int[] pIdx = paramIndex(node, x, scale, zp);
        double[] s = scale.toDoubleArray();
        long[] z = zp == null ? new long[] {0} : zp.toLongArray();
        Tensor y = ctx.allocate(outType, shape);
        int n = x.numel();
        boolean single = x.dataType() != DataType.DOUBLE;
        for (int i = 0; i < n; i++) {
            int p = pIdx[i];
            double q = single ? (float) ((float) x.getDouble(i) / (float) s[p]) : x.getDouble(i) / s[p];
            double r = Math.rint(q);
            y.setLong(i, QuantMath.saturate(r + z[z.length == 1 ? 0 : p], outType));
        }
        return new Tensor[] {y};
    }

    static Tensor[] dequantizeLinear(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = MatMulOps.require(node, in, 0, "x");
        Tensor scale = MatMulOps.require(node, in, 1, "x_scale");
        Tensor zp = MatMulOps.optional(in, 2);
        int[] pIdx = paramIndex(node, x, scale, zp);
        double[] s = scale.toDoubleArray();
        long[] z = zp == null ? new long[] {0} : zp.toLongArray();
        DataType outType = scale.dataType();
        Tensor y = ctx.allocate(outType, x.shape());
        int n = x.numel();
        for (int i = 0; i < n; i++) {
            int p = pIdx[i];
            long v = x.getLong(i) - z[z.length == 1 ? 0 : p];
            // float32 scale: the product rounds to float, as numpy float32 arithmetic does.
            double r = outType == DataType.DOUBLE ? v * s[p] : (float) v * (float) s[p];
            y.setDouble(i, r);
        }
        return new Tensor[] {y};
    }

    /** Per element, the index of its scale / zero point (per tensor, or along {@code axis}). */
    private static int[] paramIndex(Node node, Tensor x, Tensor scale, Tensor zp) {
        int len = scale.numel();
        if (zp != null && zp.numel() != len) {
            throw new InvalidInputException(node + ": scale " + Arrays.toString(scale.shape()) + " and zero point "
                    + Arrays.toString(zp.shape()) + " differ in size");
        }
        if (scale.rank() > 1) {
            throw new InvalidInputException(node + ": scale must be a scalar or 1-D, got " + Arrays.toString(scale.shape()));
        }
        int axis = len == 1 ? 0 : OpUtil.axis(node.attrInt("axis", 1), x.rank(), node);
        return QuantMath.axisIndex(len, x.shape(), axis, node, "scale");
    }

    static Tensor[] dynamicQuantizeLinear(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = MatMulOps.require(node, in, 0, "x");
        float[] v = x.toFloatArray();
        float max = 0f;
        float min = 0f;
        for (float f : v) {
            max = Math.max(max, f);
            min = Math.min(min, f);
        }
        // All zeros: the spec's scale (max - min) / 255 would be 0; use 1 so y and zp are 0.
        float scale = max == min ? 1f : (max - min) / 255f;
        float initialZp = 0f - min / scale;
        float zp = (float) Math.rint(Math.max(0f, Math.min(255f, initialZp)));
        Tensor y = ctx.allocate(DataType.UINT8, x.shape());
        for (int i = 0; i < v.length; i++) {
            float q = (float) Math.rint(v[i] / scale) + zp;
            y.setLong(i, (long) Math.max(0f, Math.min(255f, q)));
        }
        Tensor ys = ctx.allocate(x.dataType(), new long[0]);
        ys.setDouble(0, scale);
        Tensor yz = ctx.allocate(DataType.UINT8, new long[0]);
        yz.setLong(0, (long) zp);
        return new Tensor[] {y, ys, yz};
    }

    static Tensor[] qlinearMatMul(Node node, Tensor[] in, ExecContext ctx) {
        Tensor a = MatMulOps.require(node, in, 0, "a");
        Tensor aScale = MatMulOps.require(node, in, 1, "a_scale");
        Tensor aZp = MatMulOps.optional(in, 2);
        Tensor b = MatMulOps.require(node, in, 3, "b");
        Tensor bScale = MatMulOps.require(node, in, 4, "b_scale");
        Tensor bZp = MatMulOps.optional(in, 5);
        Tensor yScale = MatMulOps.require(node, in, 6, "y_scale");
        Tensor yZp = MatMulOps.optional(in, 7);
        GemmBatch p = GemmBatch.plan(node, a.shape(), b.shape());
        DataType outType = yZp != null ? yZp.dataType() : a.dataType();
        Tensor y = ctx.allocate(outType, p.outShape);
        if (y.size() == 0) {
            return new Tensor[] {y};
        }
        int[] av = QuantMath.centered(a, aZp, p.aBatchCount, p.m, p.k, true, node, "a_zero_point");
        int[] bv = QuantMath.centered(b, bZp, p.bBatchCount, p.k, p.n, false, node, "b_zero_point");
        int[] acc = new int[y.numel()];
        GemmGeneric.igemm(p, av, bv, acc, ctx);
        float[] as = aScale.toFloatArray();
        float[] bs = bScale.toFloatArray();
        float ys = (float) yScale.getDouble(0);
        double zp = yZp == null ? 0 : yZp.getLong(0);
        checkScale(node, "a_scale", as.length, p.m);
        checkScale(node, "b_scale", bs.length, p.n);
        int mn = p.m * p.n;
        for (int i = 0; i < acc.length; i++) {
            int row = (i % mn) / p.n;
            int col = i % p.n;
            float mult = as[as.length == 1 ? 0 : row] * bs[bs.length == 1 ? 0 : col] / ys;
            y.setLong(i, QuantMath.saturate(acc[i] * (double) mult + zp, outType));
        }
        return new Tensor[] {y};
    }

    private static void checkScale(Node node, String name, int len, int per) {
        if (len != 1 && len != per) {
            throw new InvalidInputException(node + ": " + name + " has " + len + " values, want 1 or " + per);
        }
    }
}
