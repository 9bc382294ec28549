package dev.clinfer.ops;

/**
 * Direct N-D Conv and ConvTranspose in double: the path for float64 and, since integer sums stay
 * exact in a double, for ConvInteger and QLinearConv. Simple loops, split over output planes.
 */
final class ConvDirect {
    private ConvDirect() {
    }

    /**
     * @param g   geometry from {@link ConvGeometry#forConv}
     * @param x   input
     * @param w   weights {@code [m, cg, k...]}
     * @param y   output {@code [n, m, out...]}, zero-filled
     * @param ctx pool
     */
    static void conv(ConvGeometry g, double[] x, double[] w, double[] y, ExecContext ctx) {
        int dims = g.dims;
        int[] inStride = strides(g.in);
        int[][] tapShift = taps(g);
        ctx.parallelFor(g.n * g.m, 2L * g.outSize * g.cg * g.kernelSize, (s, e) -> {
            int[] pos = new int[dims];
            for (int p = s; p < e; p++) {
                int img = p / g.m;
                int oc = p % g.m;
                int gr = oc / g.mg;
                int yPlane = p * g.outSize;
                java.util.Arrays.fill(pos, 0);
                for (int o = 0; o < g.outSize; o++) {
                    double sum = 0;
                    for (int ci = 0; ci < g.cg; ci++) {
                        int xPlane = (img * g.c + gr * g.cg + ci) * g.inSize;
                        int wOff = (oc * g.cg + ci) * g.kernelSize;
                        for (int t = 0; t < g.kernelSize; t++) {
                            int off = xPlane;
                            boolean inside = true;
                            for (int d = 0; d < dims; d++) {
                                int i = pos[d] * g.strides[d] + tapShift[t][d];
                                if (i < 0 || i >= g.in[d]) {
                                    inside = false;
                                    break;
                                }
                                off += i * inStride[d];
                            }
                            if (inside) {
                                sum += x[off] * w[wOff + t];
                            }
                        }
                    }
                    y[yPlane + o] = sum;
                    next(pos, g.out);
                }
            }
        });
    }

    /**
     * @param g   geometry from {@link ConvGeometry#forTranspose}
     * @param x   input
     * @param w   weights {@code [c, mg, k...]}
     * @param y   output, zero-filled
     * @param ctx pool
     */
    static void convTranspose(ConvGeometry g, double[] x, double[] w, double[] y, ExecContext ctx) {
        int dims = g.dims;
        int[] outStride = strides(g.out);
        int[][] tapShift = taps(g);
        ctx.parallelFor(g.n * g.m, 2L * g.inSize * g.cg * g.kernelSize, (s, e) -> {
            int[] pos = new int[dims];
            for (int p = s; p < e; p++) {
                int img = p / g.m;
                int oc = p % g.m;
                int gr = oc / g.mg;
                int ocg = oc % g.mg;
                int yPlane = p * g.outSize;
                for (int ci = 0; ci < g.cg; ci++) {
                    int ch = gr * g.cg + ci;
                    int xPlane = (img * g.c + ch) * g.inSize;
                    int wOff = (ch * g.mg + ocg) * g.kernelSize;
                    java.util.Arrays.fill(pos, 0);
                    for (int i = 0; i < g.inSize; i++) {
                        double xv = x[xPlane + i];
                        for (int t = 0; t < g.kernelSize; t++) {
                            int off = yPlane;
                            boolean inside = true;
                            for (int d = 0; d < dims; d++) {
                                int o = pos[d] * g.strides[d] + tapShift[t][d];
                                if (o < 0 || o >= g.out[d]) {
                                    inside = false;
                                    break;
                                }
                                off += o * outStride[d];
                            }
                            if (inside) {
                                y[off] += xv * w[wOff + t];
                            }
                        }
                        next(pos, g.in);
                    }
                }
            }
        });
    }

    /** Per kernel tap, per dim: {@code tapIndex * dilation - padBegin}. */
    private static int[][] taps(ConvGeometry g) {
        int[][] t = new int[g.kernelSize][g.dims];
        for (int tap = 0; tap < g.kernelSize; tap++) {
            int rem = tap;
            for (int d = g.dims - 1; d >= 0; d--) {
                t[tap][d] = (rem % g.kernel[d]) * g.dilations[d] - g.padsBegin[d];
                rem /= g.kernel[d];
            }
        }
        return t;
    }

    private static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc *= shape[d];
        }
        return s;
    }

    private static void next(int[] pos, int[] shape) {
        for (int d = pos.length - 1; d >= 0; d--) {
            if (++pos[d] < shape[d]) {
                return;
            }
            pos[d] = 0;
        }
    }
}
