package dev.clinfer.ops;

/**
 * Direct 2-D depthwise convolution (group == C, one input channel per group, any channel
 * multiplier): each output plane is a sum of shifted, scaled input rows; no im2col.
 */
final class ConvDepthwise {
    private ConvDepthwise() {
    }

    /**
     * @param g   geometry (2-D, {@code cg == 1}, {@code group == c})
     * @param x   input
     * @param w    weights {@code [m, 1, kh, kw]}
     * @param bias per output channel, or null
     * @param lo   lower clamp ({@code -inf} for none)
     * @param hi   upper clamp ({@code +inf} for none)
     * @param y    output
     * @param ctx  pool
     */
    static void run(ConvGeometry g, float[] x, float[] w, float[] bias, float lo, float hi, float[] y,
                    ExecContext ctx) {
        int planes = g.n * g.m;
        ctx.parallelFor(planes, 2L * g.outSize * g.kernelSize, (s, e) -> {
            // Per input row and kernel column, the input samples each output column reads (0 in
            // the padding), so the accumulation below indexes every array by the output column
            // alone: the loop shape C2 vectorises.
            float[][] shifted = new float[g.in[0] * g.kernel[1]][g.out[1]];
            float[] acc = new float[g.out[1]];
            for (int p = s; p < e; p++) {
                plane(g, x, w, y, p, shifted, acc);
                finish(y, p * g.outSize, g.outSize, bias == null ? 0f : bias[p % g.m], lo, hi);
            }
        });
    }

    private static void plane(ConvGeometry g, float[] x, float[] w, float[] y, int p, float[][] shifted, float[] acc) {
        int img = p / g.m;
        int oc = p % g.m;
        int ch = oc / g.mg;
        int h = g.in[0];
        int wd = g.in[1];
        int oh = g.out[0];
        int ow = g.out[1];
        int kh = g.kernel[0];
        int kw = g.kernel[1];
        int sh = g.strides[0];
        int sw = g.strides[1];
        int dh = g.dilations[0];
        int dw = g.dilations[1];
        int xPlane = (img * g.c + ch) * g.inSize;
        int wOff = oc * g.kernelSize;
        int yPlane = p * g.outSize;
        // Which input rows some output row reads: build their shifted copies once.
        boolean[] used = new boolean[h];
        for (int oy = 0; oy < oh; oy++) {
            for (int ky = 0; ky < kh; ky++) {
                int iy = oy * sh + ky * dh - g.padsBegin[0];
                if (iy >= 0 && iy < h) {
                    used[iy] = true;
                }
            }
        }
        for (int kx = 0; kx < kw; kx++) {
            int shift = kx * dw - g.padsBegin[1];
            // lo may pass ow when the padding is wider than a small plane: then the row is all padding.
            int lo = Math.min(ow, Math.max(0, ConvIm2col.ceilDiv(-shift, sw)));
            int hi = Math.max(lo, Math.min(ow, Math.floorDiv(wd - 1 - shift, sw) + 1));
            for (int iy = 0; iy < h; iy++) {
                if (!used[iy]) {
                    continue;
                }
                float[] row = shifted[iy * kw + kx];
                int base = xPlane + iy * wd + shift;
                java.util.Arrays.fill(row, 0, lo, 0f);
                if (hi <= lo) {
                    java.util.Arrays.fill(row, lo, ow, 0f);
                    continue;
                }
                if (sw == 1) {
                    System.arraycopy(x, base + lo, row, lo, hi - lo);
                } else {
                    for (int ox = lo; ox < hi; ox++) {
                        row[ox] = x[base + ox * sw];
                    }
                }
                java.util.Arrays.fill(row, hi, ow, 0f);
            }
        }
        for (int oy = 0; oy < oh; oy++) {
            java.util.Arrays.fill(acc, 0f);
            for (int ky = 0; ky < kh; ky++) {
                int iy = oy * sh + ky * dh - g.padsBegin[0];
                if (iy < 0 || iy >= h) {
                    continue;
                }
                int wr = wOff + ky * kw;
                int sr = iy * kw;
                int kx = 0;
                for (; kx + 2 < kw; kx += 3) {
                    axpy3(acc, shifted[sr + kx], shifted[sr + kx + 1], shifted[sr + kx + 2],
                            w[wr + kx], w[wr + kx + 1], w[wr + kx + 2], ow);
                }
                for (; kx < kw; kx++) {
                    axpy1(acc, shifted[sr + kx], w[wr + kx], ow);
                }
            }
            System.arraycopy(acc, 0, y, yPlane + oy * ow, ow);
        }
    }

    /** Adds the bias and clamps one output plane (while it is in cache). */
    static void finish(float[] y, int off, int len, float bias, float lo, float hi) {
        boolean clamp = lo != Float.NEGATIVE_INFINITY || hi != Float.POSITIVE_INFINITY;
        if (bias == 0f && !clamp) {
            return;
        }
        for (int i = off; i < off + len; i++) {
            y[i] = Math.min(hi, Math.max(lo, y[i] + bias));
        }
    }

    private static void axpy3(float[] acc, float[] a, float[] b, float[] c, float wa, float wb, float wc, int n) {
        for (int j = 0; j < n; j++) {
            acc[j] += wa * a[j] + wb * b[j] + wc * c[j];
        }
    }

    private static void axpy1(float[] acc, float[] a, float wa, int n) {
        for (int j = 0; j < n; j++) {
            acc[j] += wa * a[j];
        }
    }
}
