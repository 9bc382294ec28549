package dev.clinfer.ops;

import dev.clinfer.cpu.GemmKernel;
import dev.clinfer.cpu.GemmPackedB;

/**
 * The float32 Conv kernel: pointwise convolutions as one GEMM per image and group, depthwise
 * 2-D convolutions by a direct loop, everything else by im2col (written straight into packed
 * GEMM panels) and a GEMM.
 */
final class ConvFloat {
    /** Below this many flops per (image, group) GEMM, groups run one per task. */
    private static final long SMALL_GROUP_FLOPS = 1L << 21;

    private ConvFloat() {
    }

    /**
     * @param g    geometry
     * @param x    input {@code [n, c, in...]}
     * @param w    weights {@code [m, cg, k...]}
     * @param bias per output channel, or null
     * @param y    output {@code [n, m, out...]}
     * @param ctx  pool
     */
    static void run(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y, ExecContext ctx) {
        if (g.outSize == 0 || g.n == 0 || g.m == 0) {
            return;
        }
        if (g.dims == 2 && g.cg == 1 && g.group == g.c) {
            ConvDepthwise.run(g, x, w, y, ctx);
        } else {
            int jobs = g.n * g.group;
            long flops = 2L * g.mg * g.cg * g.kernelSize * g.outSize;
            if (jobs > 1 && (flops < SMALL_GROUP_FLOPS || g.group >= 4 * ctx.threads())) {
                ctx.parallelFor(jobs, flops, (s, e) -> {
                    for (int j = s; j < e; j++) {
                        one(g, j / g.group, j % g.group, x, w, y, null);
                    }
                });
            } else {
                for (int j = 0; j < jobs; j++) {
                    one(g, j / g.group, j % g.group, x, w, y, ctx);
                }
            }
        }
        if (bias != null) {
            addBias(g.n, g.m, g.outSize, bias, y, ctx);
        }
    }

    /** Adds {@code bias[ch]} to every element of plane {@code ch} of each image. */
    static void addBias(int n, int m, int plane, float[] bias, float[] y, ExecContext ctx) {
        ctx.parallelFor(n * m, plane, (s, e) -> {
            for (int p = s; p < e; p++) {
                float b = bias[p % m];
                int off = p * plane;
                for (int i = 0; i < plane; i++) {
                    y[off + i] += b;
                }
            }
        });
    }

    /** One image {@code img}, one group {@code gr}: Y = W[gr] * im2col(X[img, gr]). */
    private static void one(ConvGeometry g, int img, int gr, float[] x, float[] w, float[] y, ExecContext ctx) {
        int kDepth = g.cg * g.kernelSize;
        int xOff = (img * g.c + gr * g.cg) * g.inSize;
        int wOff = gr * g.mg * kDepth;
        int yOff = (img * g.m + gr * g.mg) * g.outSize;
        if (g.isPointwise()) {
            GemmKernel.sgemm(g.mg, g.outSize, g.cg, 1f, w, wOff, g.cg, false, x, xOff, g.inSize, false,
                    0f, y, yOff, g.outSize, ctx);
            return;
        }
        GemmPackedB cols = GemmPackedB.take(kDepth, g.outSize);
        if (ctx == null) {
            ConvIm2col.fill(g, x, xOff, cols, 0, kDepth);
        } else {
            ctx.parallelFor(kDepth, g.outSize, (s, e) -> ConvIm2col.fill(g, x, xOff, cols, s, e));
        }
        GemmKernel.sgemmPacked(g.mg, 1f, w, wOff, kDepth, cols, 0f, y, yOff, g.outSize, ctx);
        cols.release();
    }
}
