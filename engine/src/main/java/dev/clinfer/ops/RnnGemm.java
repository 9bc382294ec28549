package dev.clinfer.ops;

/** The one matrix product the recurrent kernels need, {@code C = A B^T}, in float64. */
final class RnnGemm {
    private RnnGemm() {
    }

    /**
     * {@code c[cOff + i*n + j] = sum_p a[aOff + i*k + p] * b[bOff + j*k + p]} for {@code i < m, j < n}.
     * Rows of B are contiguous, so each element is a dot product of two contiguous runs.
     *
     * @param ctx  parallel loops
     * @param a    left matrix, {@code [m, k]} row-major from {@code aOff}
     * @param aOff offset into a
     * @param m    rows of A
     * @param k    shared dim
     * @param b    right matrix transposed, {@code [n, k]} row-major from {@code bOff}
     * @param bOff offset into b
     * @param n    rows of B
     * @param c    result, {@code [m, n]} from {@code cOff}
     * @param cOff offset into c
     */
    static void abT(ExecContext ctx, double[] a, int aOff, int m, int k, double[] b, int bOff, int n, double[] c,
                    int cOff) {
        ctx.parallelFor(n, (long) m * k, (j0, j1) -> {
            for (int j = j0; j < j1; j++) {
                int bj = bOff + j * k;
                for (int i = 0; i < m; i++) {
                    c[cOff + i * n + j] = dot(a, aOff + i * k, b, bj, k);
                }
            }
        });
    }

    private static double dot(double[] a, int ai, double[] b, int bi, int k) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int p = 0;
        for (; p + 3 < k; p += 4) {
            s0 += a[ai + p] * b[bi + p];
            s1 += a[ai + p + 1] * b[bi + p + 1];
            s2 += a[ai + p + 2] * b[bi + p + 2];
            s3 += a[ai + p + 3] * b[bi + p + 3];
        }
        for (; p < k; p++) {
            s0 += a[ai + p] * b[bi + p];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
