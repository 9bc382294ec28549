package dev.clinfer.ops;

import dev.clinfer.api.Tensor;

import java.nio.FloatBuffer;

/**
 * The float32 fast path of 2-D max and average pooling without dilation (the CNN case): window
 * bounds are clipped once per row and column, so the inner loops are plain strided reads, and
 * each (N, C) plane streams from and to the tensors' buffers on its own thread.
 */
final class Pool2d {
    private static final boolean VECTOR = dev.clinfer.cpu.GemmKernel.VECTOR;
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
        // Max pooling with stride 2 (nearly every CNN): rows are reduced first (contiguous, so
        // vectorised), then the reduced row is split into its even and odd columns so every
        // horizontal tap is a contiguous run too.
        boolean split = max && sw == 2;
        int half = (w + 1) / 2;
        ctx.parallelFor(planes, cost, (s, e) -> {
            float[] in = new float[h * w];
            float[] out = new float[oh * ow];
            float[] vrow = split ? new float[w] : null;
            float[] halves = split ? new float[2 * half] : null;
            FloatBuffer xr = xb.duplicate();
            FloatBuffer yr = yb.duplicate();
            for (int p = s; p < e; p++) {
                xr.get(p * h * w, in);
                if (split) {
                    maxStride2(in, out, w, half, hs, he, jLo, jHi, kw, pw, vrow, halves);
                } else {
                    plane(in, out, w, hs, he, jLo, jHi, kw, sw, pw, max);
                }
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
                    if (max && sw == 1) {
                        maxRange(out, ob, in, off, lo, hi);
                    } else if (max) {
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

    /**
     * Max pooling of one plane with stride 2 along rows: per output row, the max over its input
     * rows, split into even and odd columns; tap kx of output column j is then element
     * {@code j + floorDiv(kx - pw, 2)} of one half.
     */
    private static void maxStride2(float[] in, float[] out, int w, int half, int[] hs, int[] he, int[] jLo,
                                   int[] jHi, int kw, int pw, float[] vrow, float[] halves) {
        int ow = out.length / hs.length;
        java.util.Arrays.fill(out, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < hs.length; i++) {
            if (he[i] <= hs[i]) {
                continue;
            }
            System.arraycopy(in, hs[i] * w, vrow, 0, w);
            for (int yy = hs[i] + 1; yy < he[i]; yy++) {
                maxRange(vrow, 0, in, yy * w, 0, w);
            }
            if (VECTOR) {
                PoolVector.deinterleave(vrow, w, halves, half);
            } else {
                for (int k = 0; 2 * k < w; k++) {
                    halves[k] = vrow[2 * k];
                }
                for (int k = 0; 2 * k + 1 < w; k++) {
                    halves[half + k] = vrow[2 * k + 1];
                }
            }
            int ob = i * ow;
            for (int kx = 0; kx < kw; kx++) {
                int d = kx - pw;
                maxRange(out, ob, halves, (d & 1) * half + (d >> 1), jLo[kx], jHi[kx]);
            }
        }
    }

    /** {@code dst[dOff + j] = max(dst[dOff + j], src[sOff + j])} for j in [lo, hi). */
    private static void maxRange(float[] dst, int dOff, float[] src, int sOff, int lo, int hi) {
        if (VECTOR) {
            PoolVector.maxInto(dst, dOff, src, sOff, lo, hi);
            return;
        }
        for (int j = lo; j < hi; j++) {
            dst[dOff + j] = Math.max(dst[dOff + j], src[sOff + j]);
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
