package dev.clinfer.cpu;

import dev.clinfer.ops.ExecContext;

/**
 * The left-hand matrix of a GEMM ({@code m x k}, any scale folded in) in the layout of the active
 * kernel: row panels of {@link GemmVector#MR} rows interleaved by k on the vector path, a plain
 * row-major copy on the scalar path. Conv and MatMul cache these for constant weights
 * ({@link GemmWeightCache}), so the copy and the pack happen once per session, not per call.
 */
public final class GemmPackedA {
    private final boolean vector;
    private final int m;
    private final int k;
    private final float[] data;

    private GemmPackedA(int m, int k) {
        this.vector = GemmKernel.VECTOR;
        this.m = m;
        this.k = k;
        this.data = new float[Math.toIntExact(vector ? GemmVector.packedASize(m, k) : (long) m * k)];
    }

    /**
     * Packs {@code alpha * op(A)}.
     *
     * @param a      elements
     * @param aOff   offset of A[0][0]
     * @param lda    row stride as stored
     * @param transA whether A is stored k x m
     * @param m      rows of op(A)
     * @param k      columns of op(A)
     * @param alpha  scale folded into the packing
     * @param ctx    pool for large packings, or null
     * @return the packing
     */
    public static GemmPackedA pack(float[] a, int aOff, int lda, boolean transA, int m, int k, float alpha,
                                   ExecContext ctx) {
        GemmPackedA p = new GemmPackedA(m, k);
        if (p.vector) {
            int panels = (m + GemmVector.MR - 1) / GemmVector.MR;
            if (ctx == null || (long) m * k < (1 << 16)) {
                GemmVector.packA(a, aOff, lda, transA, m, k, alpha, p.data, 0, panels);
            } else {
                ctx.parallelFor(panels, (long) GemmVector.MR * k,
                        (s, e) -> GemmVector.packA(a, aOff, lda, transA, m, k, alpha, p.data, s, e));
            }
        } else {
            for (int i = 0; i < m; i++) {
                for (int kk = 0; kk < k; kk++) {
                    p.data[i * k + kk] = alpha * (transA ? a[aOff + kk * lda + i] : a[aOff + i * lda + kk]);
                }
            }
        }
        return p;
    }

    /** @return rows */
    public int m() {
        return m;
    }

    /** @return columns (depth) */
    public int k() {
        return k;
    }

    /** @return floats held */
    public long floats() {
        return data.length;
    }

    boolean isVector() {
        return vector;
    }

    float[] data() {
        return data;
    }
}
