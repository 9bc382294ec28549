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
        boolean gatherOnly = !anyOutside;
        for (ResizeAxis ax : axes) {
            gatherOnly &= ax.identity || ax.taps == 1;
        }
        if (gatherOnly) {
            gather(x, y, axes, outShape, ctx);
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

    /**
     * Nearest-neighbour resize in one pass: every output row (all dims but the last) reads one
     * input row through per-dim index maps.
     */
    private static void gather(Tensor x, Tensor y, ResizeAxis[] axes, long[] outShape, ExecContext ctx) {
        int r = axes.length;
        int[] inStr = OpUtil.strides(x.shape());
        int[][] map = new int[r][];
        for (int d = 0; d < r; d++) {
            ResizeAxis ax = axes[d];
            map[d] = new int[ax.outLen];
            for (int o = 0; o < ax.outLen; o++) {
                map[d][o] = (ax.identity ? o : ax.index[o]) * inStr[d];
            }
        }
        int last = (int) outShape[r - 1];
        int rows = OpUtil.size(outShape) / Math.max(last, 1);
        int[] lastMap = map[r - 1];
        boolean f32 = PoolData.isFloat(x);
        float[] xf = f32 ? x.toFloatArray() : null;
        double[] xd = f32 ? null : x.toDoubleArray();
        double[] yd = f32 ? null : new double[rows * last];
        java.nio.FloatBuffer yb = f32 ? y.floats() : null;
        ctx.parallelFor(rows, last, (s, e) -> {
            float[] row = f32 ? new float[last] : null;
            java.nio.FloatBuffer yr = f32 ? yb.duplicate() : null;
            for (int u = s; u < e; u++) {
                int base = 0;
                int rem = u;
                for (int d = r - 2; d >= 0; d--) {
                    int od = (int) outShape[d];
                    base += map[d][rem % od];
                    rem /= od;
                }
                if (f32) {
                    for (int j = 0; j < last; j++) {
                        row[j] = xf[base + lastMap[j]];
                    }
                    yr.put(u * last, row);
                } else {
                    for (int j = 0; j < last; j++) {
                        yd[u * last + j] = xd[base + lastMap[j]];
                    }
                }
            }
        });
        if (!f32) {
            PoolData.store(y, yd);
        }
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
