package dev.clinfer.cpu;

import java.nio.FloatBuffer;

/**
 * A GEMM right-hand operand ({@code k x n}) that packs blocks of itself on demand, so a producer
 * such as im2col writes each block straight into the cache-resident buffer the micro-kernel
 * reads, instead of materialising the whole matrix in memory first.
 */
public interface GemmBSource {
    /** @return rows */
    int k();

    /** @return columns */
    int n();

    /**
     * Writes rows {@code [k0, k0 + kc)} by columns {@code [j0, j1)} as panels {@code nr} columns
     * wide: element (row {@code k0 + kk}, column {@code j0 + p * nr + c}) goes to
     * {@code dst[p * kc * nr + kk * nr + c]}. Slots past {@code j1} in the last panel may be left
     * as they are. May run on several threads at once for disjoint blocks.
     *
     * @param k0  first row
     * @param kc  row count
     * @param j0  first column
     * @param j1  one past the last column
     * @param nr  panel width
     * @param dst destination
     */
    void pack(int k0, int kc, int j0, int j1, int nr, float[] dst);

    /**
     * A plain matrix as a source.
     *
     * @param b      elements
     * @param bOff   offset of B[0][0]
     * @param ldb    row stride as stored
     * @param transB whether B is stored n x k
     * @param k      rows of op(B)
     * @param n      columns of op(B)
     * @return the source
     */
    static GemmBSource matrix(float[] b, int bOff, int ldb, boolean transB, int k, int n) {
        return new GemmBSource() {
            @Override
            public int k() {
                return k;
            }

            @Override
            public int n() {
                return n;
            }

            @Override
            public void pack(int k0, int kc, int j0, int j1, int nr, float[] dst) {
                for (int pj = j0, p = 0; pj < j1; pj += nr, p++) {
                    int w = Math.min(nr, j1 - pj);
                    int base = p * kc * nr;
                    if (!transB) {
                        for (int kk = 0; kk < kc; kk++) {
                            System.arraycopy(b, bOff + (k0 + kk) * ldb + pj, dst, base + kk * nr, w);
                        }
                    } else {
                        for (int col = 0; col < w; col++) {
                            int src = bOff + (pj + col) * ldb + k0;
                            int d = base + col;
                            for (int kk = 0; kk < kc; kk++, d += nr) {
                                dst[d] = b[src + kk];
                            }
                        }
                    }
                }
            }
        };
    }

    /**
     * A row-major matrix in a buffer (a float32 tensor's memory) as a source: each row of a block
     * is read with one bulk copy into a per-thread row, then dealt out to the panels, so the tensor
     * needs no whole-size {@code float[]} copy first.
     *
     * @param b    elements
     * @param bOff index of B[0][0]
     * @param ldb  row stride
     * @param k    rows
     * @param n    columns
     * @return the source
     */
    static GemmBSource buffer(FloatBuffer b, int bOff, int ldb, int k, int n) {
        if (b.hasArray()) {
            return matrix(b.array(), b.arrayOffset() + bOff, ldb, false, k, n);
        }
        return new BufferBSource(b, bOff, ldb, k, n);
    }
}
