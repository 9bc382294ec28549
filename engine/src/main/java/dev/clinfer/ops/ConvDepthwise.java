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
     * @param w   weights {@code [m, 1, kh, kw]}
     * @param y   output, zero-filled
     * @param ctx pool
     */
    static void run(ConvGeometry g, float[] x, float[] w, float[] y, ExecContext ctx) {
        int planes = g.n * g.m;
        ctx.parallelFor(planes, 2L * g.outSize * g.kernelSize, (s, e) -> {
            for (int p = s; p < e; p++) {
                plane(g, x, w, y, p);
            }
        });
    }

    private static void plane(ConvGeometry g, float[] x, float[] w, float[] y, int p) {
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
        int[] lo = new int[kw];
        int[] hi = new int[kw];
        int[] shift = new int[kw];
        for (int kx = 0; kx < kw; kx++) {
            shift[kx] = kx * dw - g.padsBegin[1];
            lo[kx] = Math.max(0, ConvIm2col.ceilDiv(-shift[kx], sw));
            hi[kx] = Math.min(ow, Math.floorDiv(wd - 1 - shift[kx], sw) + 1);
        }
        for (int oy = 0; oy < oh; oy++) {
            int yRow = yPlane + oy * ow;
            for (int ky = 0; ky < kh; ky++) {
                int iy = oy * sh + ky * dh - g.padsBegin[0];
                if (iy < 0 || iy >= h) {
                    continue;
                }
                int xRow = xPlane + iy * wd;
                for (int kx = 0; kx < kw; kx++) {
                    float wv = w[wOff + ky * kw + kx];
                    int base = xRow + shift[kx];
                    int l = lo[kx];
                    int r = hi[kx];
                    if (sw == 1) {
                        for (int ox = l; ox < r; ox++) {
                            y[yRow + ox] += wv * x[base + ox];
                        }
                    } else {
                        for (int ox = l; ox < r; ox++) {
                            y[yRow + ox] += wv * x[base + ox * sw];
                        }
                    }
                }
            }
        }
    }
}
