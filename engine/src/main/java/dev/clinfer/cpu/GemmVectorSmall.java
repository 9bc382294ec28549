package dev.clinfer.cpu;

import dev.clinfer.ops.ExecContext;
import dev.clinfer.ops.RangeBody;

/**
 * The vector path's shapes that packing does not pay for: few columns (dot products of A rows
 * with B columns) or few rows (each C row a sum of scaled B rows, or dots with B's stored rows
 * when B is transposed). Like {@link GemmVector}, only {@link GemmKernel} names it, behind
 * {@link GemmKernel#VECTOR}.
 */
final class GemmVectorSmall {
    /** Columns of C per parallel chunk on the few-rows path. */
    private static final int COL_CHUNK = 256;

    private GemmVectorSmall() {
    }

    /** Same contract as {@link GemmKernel#sgemm}, for {@code n < SMALL_N} or a few untransposed rows. */
    static void sgemm(int m, int n, int k, float alpha, float[] a, int aOff, int lda, boolean transA,
                      float[] b, int bOff, int ldb, boolean transB, float beta, float[] c, int cOff, int ldc,
                      ExecContext ctx) {
        if (transA) {
            a = GemmKernel.transpose(a, aOff, lda, k, m);
            aOff = 0;
            lda = k;
        }
        if (n < GemmKernel.SMALL_N) {
            fewColumns(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, transB, beta, c, cOff, ldc, ctx);
        } else {
            fewRows(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, transB, beta, c, cOff, ldc, ctx);
        }
    }

    private static void fewColumns(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                   float[] b, int bOff, int ldb, boolean transB, float beta,
                                   float[] c, int cOff, int ldc, ExecContext ctx) {
        // B columns as contiguous rows of length k.
        final float[] bt;
        final int btOff;
        final int btLd;
        if (transB) {
            bt = b;
            btOff = bOff;
            btLd = ldb;
        } else {
            bt = new float[n * k];
            for (int kk = 0; kk < k; kk++) {
                for (int j = 0; j < n; j++) {
                    bt[j * k + kk] = b[bOff + kk * ldb + j];
                }
            }
            btOff = 0;
            btLd = k;
        }
        final float[] fa = a;
        final int fo = aOff;
        final int fl = lda;
        RangeBody body = (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                for (int j = 0; j < n; j++) {
                    float s = GemmVector.dot(fa, fo + i * fl, bt, btOff + j * btLd, k);
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

    private static void fewRows(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb, boolean transB, float beta,
                                float[] c, int cOff, int ldc, ExecContext ctx) {
        int chunks = (n + COL_CHUNK - 1) / COL_CHUNK;
        final float[] fa = a;
        final int fo = aOff;
        final int fl = lda;
        RangeBody body = (s, e) -> {
            for (int ch = s; ch < e; ch++) {
                int j0 = ch * COL_CHUNK;
                int w = Math.min(n, j0 + COL_CHUNK) - j0;
                for (int i = 0; i < m; i++) {
                    int cr = cOff + i * ldc + j0;
                    int ar = fo + i * fl;
                    if (transB) {
                        for (int j = 0; j < w; j++) {
                            float dot = GemmVector.dot(fa, ar, b, bOff + (j0 + j) * ldb, k);
                            c[cr + j] = alpha * dot + (beta == 0f ? 0f : beta * c[cr + j]);
                        }
                    } else {
                        GemmKernel.scaleRows(c, cr, 0, 1, w, beta);
                        for (int kk = 0; kk < k; kk++) {
                            GemmVector.axpy(alpha * fa[ar + kk], b, bOff + kk * ldb + j0, c, cr, w);
                        }
                    }
                }
            }
        };
        if (ctx == null || chunks == 1) {
            body.run(0, chunks);
        } else {
            ctx.parallelFor(chunks, 2L * m * k * COL_CHUNK, body);
        }
    }
}
