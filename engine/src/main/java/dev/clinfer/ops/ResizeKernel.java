package dev.clinfer.ops;

import dev.clinfer.api.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Applies per-axis {@link ResizeAxis} maps to a tensor. Nearest, linear and cubic resizes are
 * separable, so the kernel runs one 1-D pass per changed axis (most shrinking axis first, to cut
 * the work of later passes), each pass parallel over its rows. tf_crop_and_resize positions
 * outside the crop are overwritten with the extrapolation value at the end.
 */
final class ResizeKernel {
    private ResizeKernel() {
    }

    /**
     * @param x             the input
     * @param axes          one map per dim of {@code x}
     * @param extrapolation value for positions outside the crop region
     * @param ctx           allocation and threads
     * @return the resized tensor
     */
    static Tensor run(Tensor x, ResizeAxis[] axes, double extrapolation, ExecContext ctx) {
        long[] shape = x.shape();
        long[] outShape = new long[shape.length];
        List<Integer> order = new ArrayList<>();
        boolean anyOutside = false;
        for (int d = 0; d < shape.length; d++) {
            outShape[d] = axes[d].outLen;
            if (!axes[d].identity) {
                order.add(d);
            }
            anyOutside |= axes[d].outside != null;
        }
        order.sort((a, b) -> Double.compare((double) axes[a].outLen / axes[a].inLen, (double) axes[b].outLen / axes[b].inLen));
        Tensor y = ctx.allocate(x.dataType(), outShape);
        if (y.size() == 0) {
            return y;
        }
        long[] cur = shape.clone();
        if (PoolData.isFloat(x)) {
            float[] v = x.toFloatArray();
            for (int d : order) {
                v = passFloat(v, cur, d, axes[d], ctx);
                cur[d] = axes[d].outLen;
            }
            if (anyOutside) {
                float e = (float) extrapolation;
                boolean[] mask = outsideMask(axes, outShape);
                for (int i = 0; i < mask.length; i++) {
                    if (mask[i]) {
                        v[i] = e;
                    }
                }
            }
            PoolData.store(y, v);
        } else {
            double[] v = x.toDoubleArray();
            for (int d : order) {
                v = passDouble(v, cur, d, axes[d], ctx);
                cur[d] = axes[d].outLen;
            }
            if (anyOutside) {
                boolean[] mask = outsideMask(axes, outShape);
                for (int i = 0; i < mask.length; i++) {
                    if (mask[i]) {
                        v[i] = extrapolation;
                    }
                }
            }
            PoolData.store(y, v);
        }
        return y;
    }

    /** @return per output element, whether any axis places it outside the crop region */
    private static boolean[] outsideMask(ResizeAxis[] axes, long[] outShape) {
        int n = OpUtil.size(outShape);
        boolean[] mask = new boolean[n];
        int[] idx = new int[outShape.length];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < idx.length; d++) {
                boolean[] o = axes[d].outside;
                if (o != null && o[idx[d]]) {
                    mask[i] = true;
                    break;
                }
            }
            PoolGeometry.advance(idx, outShape);
        }
        return mask;
    }

    private static float[] passFloat(float[] src, long[] shape, int d, ResizeAxis ax, ExecContext ctx) {
        int outer = OpUtil.size(Arrays.copyOfRange(shape, 0, d));
        int inner = OpUtil.size(Arrays.copyOfRange(shape, d + 1, shape.length));
        int len = ax.inLen;
        int out = ax.outLen;
        int taps = ax.taps;
        int[] index = ax.index;
        float[] w = new float[ax.weight.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ax.weight[i];
        }
        float[] dst = new float[outer * out * inner];
        ctx.parallelFor(outer * out, (long) inner * taps, (s, e) -> {
            for (int u = s; u < e; u++) {
                int o = u % out;
                int q = u / out;
                int srcBase = q * len * inner;
                int dstBase = u * inner;
                if (inner == 1) {
                    float acc = 0;
                    for (int t = 0; t < taps; t++) {
                        acc += w[o * taps + t] * src[srcBase + index[o * taps + t]];
                    }
                    dst[dstBase] = acc;
                    continue;
                }
                for (int t = 0; t < taps; t++) {
                    float wt = w[o * taps + t];
                    int sb = srcBase + index[o * taps + t] * inner;
                    if (t == 0) {
                        for (int i = 0; i < inner; i++) {
                            dst[dstBase + i] = wt * src[sb + i];
                        }
                    } else {
                        for (int i = 0; i < inner; i++) {
                            dst[dstBase + i] += wt * src[sb + i];
                        }
                    }
                }
            }
        });
        return dst;
    }

    private static double[] passDouble(double[] src, long[] shape, int d, ResizeAxis ax, ExecContext ctx) {
        int outer = OpUtil.size(Arrays.copyOfRange(shape, 0, d));
        int inner = OpUtil.size(Arrays.copyOfRange(shape, d + 1, shape.length));
        int len = ax.inLen;
        int out = ax.outLen;
        int taps = ax.taps;
        int[] index = ax.index;
        double[] w = ax.weight;
        double[] dst = new double[outer * out * inner];
        ctx.parallelFor(outer * out, (long) inner * taps, (s, e) -> {
            for (int u = s; u < e; u++) {
                int o = u % out;
                int srcBase = (u / out) * len * inner;
                int dstBase = u * inner;
                for (int t = 0; t < taps; t++) {
                    double wt = w[o * taps + t];
                    int sb = srcBase + index[o * taps + t] * inner;
                    for (int i = 0; i < inner; i++) {
                        dst[dstBase + i] = t == 0 ? wt * src[sb + i] : dst[dstBase + i] + wt * src[sb + i];
                    }
                }
            }
        });
        return dst;
    }
}
