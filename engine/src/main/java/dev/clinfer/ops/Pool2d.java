package dev.clinfer.ops;

import dev.clinfer.api.Tensor;

import java.nio.FloatBuffer;

/**
 * The float32 fast path of 2-D max and average pooling without dilation (the CNN case): window
 * bounds are clipped once per row and column, so the inner loops are plain strided reads, and
 * each (N, C) plane streams from and to the tensors' buffers on its own thread.
 */
final class Pool2d {
    private Pool2d() {
    }

    /** @return whether the fast path handles this input and geometry */
    static boolean applies(Tensor x, PoolGeometry g) {
        return PoolData.isFloat(x) && g.rank() == 2 && g.dilations[0] == 1 && g.dilations[1] == 1;
    }

    /**
     * @param x          input, float32 N x C x H x W
     * @param y          output, float32 N x C x OH x OW
     * @param g          geometry
     * @param max        max pooling (else average)
     * @param includePad average divides by the window size clipped to the padded input
     * @param ctx        threads
     */
    static void run(Tensor x, Tensor y, PoolGeometry g, boolean max, boolean includePad, ExecContext ctx) {
        long[] xs = x.shape();
        int planes = Math.toIntExact(xs[0] * xs[1]);
        int h = (int) g.in[0];
        int w = (int) g.in[1];
        int oh = (int) g.out[0];
        int ow = (int) g.out[1];
        int[] hs = new int[oh];
        int[] he = new int[oh];
        int[] hp = new int[oh];
        bounds(g, 0, hs, he, hp);
        int[] ws = new int[ow];
        int[] we = new int[ow];
        int[] wp = new int[ow];
        bounds(g, 1, ws, we, wp);
        int kw = (int) g.kernel[1];
        int sw = (int) g.strides[1];
        int pw = (int) g.padBegin[1];
        // For each kernel column kx, the output columns j whose tap j * sw - pw + kx lies in [0, w).
        int[] jLo = new int[kw];
        int[] jHi = new int[kw];
        for (int kx = 0; kx < kw; kx++) {
            int lo = Math.max(0, Math.floorDiv(pw - kx + sw - 1, sw));
            int hi = Math.min(ow, Math.floorDiv(w - 1 + pw - kx, sw) + 1);
            jLo[kx] = lo;
            jHi[kx] = Math.max(lo, hi);
        }
        FloatBuffer xb = x.floats();
        FloatBuffer yb = y.floats();
        long cost = (long) oh * ow * g.kernel[0] * g.kernel[1];
        ctx.parallelFor(planes, cost, (s, e) -> {
            float[] in = new float[h * w];
            float[] out = new float[oh * ow];
            FloatBuffer xr = xb.duplicate();
            FloatBuffer yr = yb.duplicate();
            for (int p = s; p < e; p++) {
                xr.get(p * h * w, in);
                plane(in, out, w, hs, he, jLo, jHi, kw, sw, pw, max);
                if (!max) {
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) {
                            int cnt = includePad ? hp[i] * wp[j] : (he[i] - hs[i]) * (we[j] - ws[j]);
                            out[i * ow + j] = cnt > 0 ? out[i * ow + j] / cnt : 0f;
                        }
                    }
                }
                yr.put(p * oh * ow, out);
            }
        });
    }

    /**
     * Reduces one plane. Loops run kernel tap outermost and output column innermost, so the
     * inner loop is long and simple; {@code jLo/jHi} clip each tap's column range to the input.
     */
    private static void plane(float[] in, float[] out, int w, int[] hs, int[] he, int[] jLo, int[] jHi, int kw, int sw,
                              int pw, boolean max) {
        int ow = out.length / hs.length;
        java.util.Arrays.fill(out, max ? Float.NEGATIVE_INFINITY : 0f);
        for (int i = 0; i < hs.length; i++) {
            int ob = i * ow;
            for (int yy = hs[i]; yy < he[i]; yy++) {
                for (int kx = 0; kx < kw; kx++) {
                    int off = yy * w - pw + kx;
                    int lo = jLo[kx];
                    int hi = jHi[kx];
                    if (max) {
                        for (int j = lo; j < hi; j++) {
                            out[ob + j] = Math.max(out[ob + j], in[off + j * sw]);
                        }
                    } else {
                        for (int j = lo; j < hi; j++) {
                            out[ob + j] += in[off + j * sw];
                        }
                    }
                }
            }
        }
    }

    /** Clipped window [start, end) per output index of dim {@code d}, and its extent within the pads. */
    private static void bounds(PoolGeometry g, int d, int[] start, int[] end, int[] padded) {
        int len = (int) g.in[d];
        int k = (int) g.kernel[d];
        int s = (int) g.strides[d];
        int pb = (int) g.padBegin[d];
        int pe = (int) g.padEnd[d];
        for (int o = 0; o < start.length; o++) {
            int a = o * s - pb;
            int b = a + k;
            start[o] = Math.max(a, 0);
            end[o] = Math.min(b, len);
            padded[o] = Math.min(b, len + pe) - Math.max(a, -pb);
        }
    }
}
