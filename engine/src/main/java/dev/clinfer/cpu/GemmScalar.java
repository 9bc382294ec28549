package dev.clinfer.cpu;

import dev.clinfer.ops.ExecContext;
import dev.clinfer.ops.RangeBody;

import java.util.Arrays;

/**
 * The scalar float32 GEMM: the fallback {@link GemmKernel} runs when {@code jdk.incubator.vector}
 * is not in the boot layer (or {@code -Dclinfer.gemm.scalar=true}).
 *
 * <p>B is packed into {@link GemmPackedB} panels. C is cut into tiles (a few rows by one panel)
 * that run on the session pool; inside a tile the k loop is blocked by {@link #KC} so the panel
 * block stays in L2, and each C row is accumulated in a small scratch row by an update of four B
 * rows at a time, a loop shape that C2 auto-vectorises (about 25 GFLOP/s a core with AVX-512).
 */
final class GemmScalar {
    /** Depth of one k block: 256 panel rows of 1 KiB. */
    static final int KC = 256;
    /** Most rows of C per parallel tile. */
    static final int MC = 64;
    /** Below this many columns a dot-product loop beats the row update. */
    static final int SMALL_N = 8;

    private GemmScalar() {
    }

    /**
     * {@code C[m x n] = alpha * op(A)[m x k] * op(B)[k x n] + beta * C}. With {@code beta == 0}
     * C is overwritten (NaNs in C do not propagate). A and B must not overlap C.
     *
     * @param m      rows of op(A) and C
     * @param n      columns of op(B) and C
     * @param k      columns of op(A), rows of op(B)
     * @param alpha  scale of the product
     * @param a      A elements
     * @param aOff   offset of A[0][0]
     * @param lda    row stride of A as stored (k when not transposed, m when transposed)
     * @param transA whether A is stored as k x m
     * @param b      B elements
     * @param bOff   offset of B[0][0]
     * @param ldb    row stride of B as stored (n when not transposed, k when transposed)
     * @param transB whether B is stored as n x k
     * @param beta   scale of the old C
     * @param c      C elements
     * @param cOff   offset of C[0][0]
     * @param ldc    row stride of C
     * @param ctx    pool to split the work over, or null to run on the calling thread
     */
    static void sgemm(int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, boolean transA,
                             float[] b, int bOff, int ldb, boolean transB,
                             float beta, float[] c, int cOff, int ldc, ExecContext ctx) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0 || alpha == 0f) {
            for (int i = 0; i < m; i++) {
                scale(c, cOff + i * ldc, n, beta);
            }
            return;
        }
        if (transA) {
            a = GemmKernel.transpose(a, aOff, lda, k, m);
            aOff = 0;
            lda = k;
        }
        if (n < SMALL_N) {
            smallN(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, transB, beta, c, cOff, ldc, ctx);
            return;
        }
        GemmPackedB pb = GemmPackedB.pack(b, bOff, ldb, transB, k, n, ctx);
        sgemmPacked(m, alpha, a, aOff, lda, pb, beta, c, cOff, ldc, ctx);
        pb.release();
    }

    /**
     * {@code C[m x n] = alpha * A[m x k] * B + beta * C} with B already packed.
     *
     * @param m     rows of A and C
     * @param alpha scale of the product
     * @param a     A elements, row-major
     * @param aOff  offset of A[0][0]
     * @param lda   row stride of A
     * @param b     packed B ({@code k x n})
     * @param beta  scale of the old C (0: overwrite)
     * @param c     C elements
     * @param cOff  offset of C[0][0]
     * @param ldc   row stride of C
     * @param ctx   pool, or null
     */
    static void sgemmPacked(int m, float alpha, float[] a, int aOff, int lda, GemmPackedB b,
                                   float beta, float[] c, int cOff, int ldc, ExecContext ctx) {
        final int k = b.k();
        final int panels = b.panelCount();
        if (m <= 0 || b.n() <= 0) {
            return;
        }
        int threads = ctx == null ? 1 : ctx.threads();
        // Enough tiles for the pool to balance, but no fewer than a few rows per tile.
        int rowTilesWanted = Math.max(1, (4 * threads + panels - 1) / panels);
        int mc = Math.max(4, Math.min(MC, (m + rowTilesWanted - 1) / rowTilesWanted));
        final int rowTiles = (m + mc - 1) / mc;
        final int tiles = rowTiles * panels;
        RangeBody body = (t0, t1) -> {
            float[] acc = new float[GemmPackedB.PANEL_WIDTH];
            for (int t = t0; t < t1; t++) {
                int rt = t / panels;
                int p = t % panels;
                int i0 = rt * mc;
                tile(i0, Math.min(m, i0 + mc), p, k, alpha, a, aOff, lda, b, beta, c, cOff, ldc, acc);
            }
        };
        if (ctx == null || tiles == 1) {
            body.run(0, tiles);
        } else {
            ctx.parallelFor(tiles, 2L * mc * GemmPackedB.PANEL_WIDTH * k, body);
        }
    }

    /** Rows [i0, i1) of C by the columns of panel p. */
    private static void tile(int i0, int i1, int p, int k, float alpha, float[] a, int aOff, int lda,
                             GemmPackedB b, float beta, float[] c, int cOff, int ldc, float[] acc) {
        float[][] rows = b.panel(p);
        int w = b.width(p);
        int j0 = p * GemmPackedB.PANEL_WIDTH;
        for (int k0 = 0; k0 < k; k0 += KC) {
            int k1 = Math.min(k, k0 + KC);
            for (int i = i0; i < i1; i++) {
                int cRow = cOff + i * ldc + j0;
                if (k0 == 0) {
                    if (beta == 0f) {
                        Arrays.fill(acc, 0, w, 0f);
                    } else {
                        for (int j = 0; j < w; j++) {
                            acc[j] = beta * c[cRow + j];
                        }
                    }
                } else {
                    System.arraycopy(c, cRow, acc, 0, w);
                }
                int aRow = aOff + i * lda;
                int kk = k0;
                for (; kk + 3 < k1; kk += 4) {
                    axpy4(acc, rows[kk], rows[kk + 1], rows[kk + 2], rows[kk + 3],
                            alpha * a[aRow + kk], alpha * a[aRow + kk + 1],
                            alpha * a[aRow + kk + 2], alpha * a[aRow + kk + 3], w);
                }
                for (; kk < k1; kk++) {
                    axpy1(acc, rows[kk], alpha * a[aRow + kk], w);
                }
                System.arraycopy(acc, 0, c, cRow, w);
            }
        }
    }

    /** acc += x0*b0 + x1*b1 + x2*b2 + x3*b3; every access indexed by j alone, so C2 vectorises it. */
    private static void axpy4(float[] acc, float[] b0, float[] b1, float[] b2, float[] b3,
                              float x0, float x1, float x2, float x3, int w) {
        for (int j = 0; j < w; j++) {
            acc[j] += x0 * b0[j] + x1 * b1[j] + x2 * b2[j] + x3 * b3[j];
        }
    }

    private static void axpy1(float[] acc, float[] b0, float x0, int w) {
        for (int j = 0; j < w; j++) {
            acc[j] += x0 * b0[j];
        }
    }

    /** Few columns (matrix-vector like): dot products of A rows with B columns. */
    private static void smallN(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                               float[] b, int bOff, int ldb, boolean transB,
                               float beta, float[] c, int cOff, int ldc, ExecContext ctx) {
        // B columns as contiguous rows of length k.
        final float[] bt = transB && ldb == k && bOff == 0 ? b : new float[n * k];
        if (bt != b) {
            for (int j = 0; j < n; j++) {
                for (int kk = 0; kk < k; kk++) {
                    bt[j * k + kk] = transB ? b[bOff + j * ldb + kk] : b[bOff + kk * ldb + j];
                }
            }
        }
        final float[] fa = a;
        RangeBody body = (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                int aRow = aOff + i * lda;
                for (int j = 0; j < n; j++) {
                    float s = dot(fa, aRow, bt, j * k, k);
                    int ci = cOff + i * ldc + j;
                    c[ci] = alpha * s + (beta == 0f ? 0f : beta * c[ci]);
                }
            }
        };
        if (ctx == null) {
            body.run(0, m);
        } else {
            ctx.parallelFor(m, 2L * n * k, body);
        }
    }

    private static float dot(float[] x, int xo, float[] y, int yo, int k) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int i = 0;
        for (; i + 3 < k; i += 4) {
            s0 += x[xo + i] * y[yo + i];
            s1 += x[xo + i + 1] * y[yo + i + 1];
            s2 += x[xo + i + 2] * y[yo + i + 2];
            s3 += x[xo + i + 3] * y[yo + i + 3];
        }
        for (; i < k; i++) {
            s0 += x[xo + i] * y[yo + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static void scale(float[] c, int off, int n, float beta) {
        if (beta == 0f) {
            Arrays.fill(c, off, off + n, 0f);
        } else if (beta != 1f) {
            for (int j = 0; j < n; j++) {
                c[off + j] *= beta;
            }
        }
    }
}
