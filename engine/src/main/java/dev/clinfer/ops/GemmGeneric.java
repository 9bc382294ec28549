package dev.clinfer.ops;

/**
 * Plain matrix products for the non-float32 types (float64 in double, integers in long and int):
 * simple i-k-j loops split over rows of the batch. float32 goes to {@link dev.clinfer.cpu.GemmKernel}.
 */
final class GemmGeneric {
    private GemmGeneric() {
    }

    /**
     * Batched {@code c = a * b} in double.
     *
     * @param p   the batch plan
     * @param a   A elements
     * @param b   B elements
     * @param c   output, {@code batches * m * n}, zero-filled
     * @param ctx pool
     */
    static void dgemm(GemmBatch p, double[] a, double[] b, double[] c, ExecContext ctx) {
        int m = p.m;
        int n = p.n;
        int k = p.k;
        ctx.parallelFor(p.batches * m, 2L * n * k, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int bt = r / m;
                int i = r % m;
                int aRow = p.aOffsets[bt] + i * k;
                int bOff = p.bOffsets[bt];
                int cRow = r * n;
                for (int kk = 0; kk < k; kk++) {
                    double x = a[aRow + kk];
                    int bRow = bOff + kk * n;
                    for (int j = 0; j < n; j++) {
                        c[cRow + j] += x * b[bRow + j];
                    }
                }
            }
        });
    }

    /**
     * Batched {@code c = a * b} in long (wrapping as C integer arithmetic does).
     *
     * @param p   the batch plan
     * @param a   A elements
     * @param b   B elements
     * @param c   output, zero-filled
     * @param ctx pool
     */
    static void lgemm(GemmBatch p, long[] a, long[] b, long[] c, ExecContext ctx) {
        int m = p.m;
        int n = p.n;
        int k = p.k;
        ctx.parallelFor(p.batches * m, 2L * n * k, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int bt = r / m;
                int i = r % m;
                int aRow = p.aOffsets[bt] + i * k;
                int bOff = p.bOffsets[bt];
                int cRow = r * n;
                for (int kk = 0; kk < k; kk++) {
                    long x = a[aRow + kk];
                    int bRow = bOff + kk * n;
                    for (int j = 0; j < n; j++) {
                        c[cRow + j] += x * b[bRow + j];
                    }
                }
            }
        });
    }

    /**
     * Batched {@code c = a * b} in int (the int32 accumulation of the quantized products).
     *
     * @param p   the batch plan
     * @param a   A elements (zero points already subtracted)
     * @param b   B elements (zero points already subtracted)
     * @param c   output, zero-filled
     * @param ctx pool
     */
    static void igemm(GemmBatch p, int[] a, int[] b, int[] c, ExecContext ctx) {
        int m = p.m;
        int n = p.n;
        int k = p.k;
        ctx.parallelFor(p.batches * m, 2L * n * k, (r0, r1) -> {
            int[] acc = new int[n];
            for (int r = r0; r < r1; r++) {
                int bt = r / m;
                int i = r % m;
                int aRow = p.aOffsets[bt] + i * k;
                int bOff = p.bOffsets[bt];
                java.util.Arrays.fill(acc, 0);
                for (int kk = 0; kk < k; kk++) {
                    int x = a[aRow + kk];
                    if (x != 0) {
                        int bRow = bOff + kk * n;
                        for (int j = 0; j < n; j++) {
                            acc[j] += x * b[bRow + j];
                        }
                    }
                }
                System.arraycopy(acc, 0, c, r * n, n);
            }
        });
    }

    /**
     * 2-D {@code out = alpha * op(a) * op(b) + beta * bias} in double.
     *
     * @param m      rows
     * @param n      columns
     * @param k      depth
     * @param alpha  product scale
     * @param a      A as stored
     * @param transA A stored k x m
     * @param b      B as stored
     * @param transB B stored n x k
     * @param beta   bias scale
     * @param bias   {@code m x n} bias already broadcast, or null
     * @param out    output {@code m x n}
     * @param ctx    pool
     */
    static void gemm2d(int m, int n, int k, double alpha, double[] a, boolean transA, double[] b, boolean transB,
                       double beta, double[] bias, double[] out, ExecContext ctx) {
        ctx.parallelFor(m, 2L * n * k, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int kk = 0; kk < k; kk++) {
                        double x = transA ? a[kk * m + i] : a[i * k + kk];
                        double y = transB ? b[j * k + kk] : b[kk * n + j];
                        s += x * y;
                    }
                    out[i * n + j] = alpha * s + (bias == null ? 0 : beta * bias[i * n + j]);
                }
            }
        });
    }
}
