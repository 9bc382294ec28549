package dev.clinfer.cpu;

import dev.clinfer.ops.ExecContext;

/**
 * The right-hand matrix of a GEMM ({@code k x n}) in the layout of the active kernel.
 *
 * <ul>
 *   <li>Vector path: one flat array of column panels {@link GemmVector#NR} wide, each panel all k
 *       rows deep ({@code (kk, c)} of panel {@code p} at {@code p * k * NR + kk * NR + c}), the
 *       order the micro-kernel streams them in.</li>
 *   <li>Scalar path: panels of at most {@link #PANEL_WIDTH} columns, one {@code float[]} per row:
 *       C2 (JDK 17) only auto-vectorises a loop whose array accesses all share one index
 *       expression, so rows live in separate arrays instead of at offsets of one array.</li>
 * </ul>
 *
 * <p>Producers such as im2col write rows straight in with {@link #setRow}, skipping a separate
 * pack step. Temporary packings come from {@link #take} and go back with {@link #release};
 * long-lived ones (cached weights) from {@link #pack} with {@code keep}.
 */
public final class GemmPackedB {
    /** Columns per scalar panel: one panel row is 1 KiB, a 256-row block of a panel 256 KiB (L2). */
    public static final int PANEL_WIDTH = 256;

    /** Largest buffer (in floats) a thread keeps for reuse; bigger ones are left to the GC. */
    private static final long MAX_CACHED_FLOATS = 8L << 20;

    /**
     * One spare buffer per thread. {@link #take} empties the slot, so a nested take on the same
     * thread (e.g. a work-stealing join running another kernel) gets a fresh buffer, never a
     * shared one.
     */
    private static final ThreadLocal<GemmPackedB> SPARE = new ThreadLocal<>();

    private final boolean vector;
    private int k;
    private int n;
    private final int rowCapacity;
    /** Scalar panels; every row array is a full {@link #PANEL_WIDTH} long, so buffers can be reused. */
    private final float[][][] panels;
    /** Vector layout. */
    private final float[] flat;

    private GemmPackedB(int k, int n, int rowCapacity, int panelCapacity, long flatCapacity) {
        this.vector = GemmKernel.VECTOR;
        this.k = k;
        this.n = n;
        this.rowCapacity = rowCapacity;
        if (vector) {
            panels = null;
            flat = new float[Math.toIntExact(flatCapacity)];
        } else {
            flat = null;
            panels = new float[panelCapacity][][];
            for (int p = 0; p < panelCapacity; p++) {
                panels[p] = new float[rowCapacity][PANEL_WIDTH];
            }
        }
    }

    private static int scalarPanelsFor(int n) {
        return (n + PANEL_WIDTH - 1) / PANEL_WIDTH;
    }

    /**
     * @param k rows
     * @param n columns
     * @return a fresh packed matrix of that size
     */
    public static GemmPackedB allocate(int k, int n) {
        return new GemmPackedB(k, n, k, scalarPanelsFor(n), GemmKernel.VECTOR ? GemmVector.packedBSize(k, n) : 0);
    }

    /**
     * A packed matrix for this thread to fill completely (its elements are left over from an
     * earlier use, not zero). Hand it back with {@link #release} when done: fresh large
     * allocations cost more than the GEMM on first-touch page faults.
     *
     * @param k rows
     * @param n columns
     * @return a matrix of that size, possibly recycled
     */
    public static GemmPackedB take(int k, int n) {
        GemmPackedB b = SPARE.get();
        if (b != null && b.fits(k, n)) {
            SPARE.set(null);
            b.k = k;
            b.n = n;
            return b;
        }
        return allocate(k, n);
    }

    private boolean fits(int k2, int n2) {
        if (vector) {
            return flat.length >= GemmVector.packedBSize(k2, n2);
        }
        return rowCapacity >= k2 && panels.length >= scalarPanelsFor(n2);
    }

    private long capacity() {
        return vector ? flat.length : (long) rowCapacity * panels.length * PANEL_WIDTH;
    }

    /** Offers this matrix for reuse by {@link #take} on the calling thread. */
    public void release() {
        if (capacity() > MAX_CACHED_FLOATS) {
            return;
        }
        GemmPackedB cur = SPARE.get();
        if (cur == null || cur.capacity() < capacity()) {
            SPARE.set(this);
        }
    }

    /**
     * Packs {@code op(B)} into a temporary matrix.
     *
     * @param b      elements
     * @param bOff   offset of B[0][0]
     * @param ldb    row stride of B as stored
     * @param transB whether B is stored n x k
     * @param k      rows of op(B)
     * @param n      columns of op(B)
     * @param ctx    pool for large copies, or null
     * @return the packed matrix (from {@link #take}: {@link #release} it after use)
     */
    public static GemmPackedB pack(float[] b, int bOff, int ldb, boolean transB, int k, int n, ExecContext ctx) {
        return pack(b, bOff, ldb, transB, k, n, ctx, false);
    }

    /**
     * Packs {@code op(B)}.
     *
     * @param b      elements
     * @param bOff   offset of B[0][0]
     * @param ldb    row stride of B as stored
     * @param transB whether B is stored n x k
     * @param k      rows of op(B)
     * @param n      columns of op(B)
     * @param ctx    pool for large copies, or null
     * @param keep   true for a long-lived packing (never {@link #release} it), false for a
     *               temporary one
     * @return the packed matrix
     */
    public static GemmPackedB pack(float[] b, int bOff, int ldb, boolean transB, int k, int n, ExecContext ctx,
                                   boolean keep) {
        GemmPackedB p = keep ? allocate(k, n) : take(k, n);
        int count = p.vector ? (n + GemmVector.NR - 1) / GemmVector.NR : scalarPanelsFor(n);
        long perPanel = (long) k * (p.vector ? GemmVector.NR : PANEL_WIDTH);
        if (ctx == null || (long) k * n < (1 << 16)) {
            p.fill(b, bOff, ldb, transB, 0, count);
        } else {
            ctx.parallelFor(count, perPanel, (s, e) -> p.fill(b, bOff, ldb, transB, s, e));
        }
        return p;
    }

    private void fill(float[] b, int bOff, int ldb, boolean transB, int p0, int p1) {
        if (vector) {
            GemmVector.packB(b, bOff, ldb, transB, k, n, flat, p0, p1);
            return;
        }
        for (int p = p0; p < p1; p++) {
            int j0 = p * PANEL_WIDTH;
            int w = width(p);
            float[][] rows = panels[p];
            if (!transB) {
                for (int kk = 0; kk < k; kk++) {
                    System.arraycopy(b, bOff + kk * ldb + j0, rows[kk], 0, w);
                }
            } else {
                // op(B)(kk, j) = b[(j0 + j) * ldb + kk]: read B rows contiguously, 8 columns a pass.
                for (int jb = 0; jb < w; jb += 8) {
                    int je = Math.min(w, jb + 8);
                    for (int kk = 0; kk < k; kk++) {
                        float[] row = rows[kk];
                        for (int j = jb; j < je; j++) {
                            row[j] = b[bOff + (j0 + j) * ldb + kk];
                        }
                    }
                }
            }
        }
    }

    /**
     * Writes row {@code kk} (all n columns). Distinct rows may be written from distinct threads.
     *
     * @param kk  row
     * @param src the n values
     * @param off offset of the first one in {@code src}
     */
    public void setRow(int kk, float[] src, int off) {
        if (vector) {
            int nr = GemmVector.NR;
            int stride = k * nr;
            int d = kk * nr;
            int j = 0;
            for (; j + nr <= n; j += nr, d += stride) {
                System.arraycopy(src, off + j, flat, d, nr);
            }
            if (j < n) {
                System.arraycopy(src, off + j, flat, d, n - j);
            }
            return;
        }
        for (int p = 0; p < panels.length && p * PANEL_WIDTH < n; p++) {
            System.arraycopy(src, off + p * PANEL_WIDTH, panels[p][kk], 0, width(p));
        }
    }

    /** @return rows */
    public int k() {
        return k;
    }

    /** @return columns */
    public int n() {
        return n;
    }

    /** @return whether this is in the vector layout */
    boolean isVector() {
        return vector;
    }

    /** @return the vector layout's array */
    float[] flat() {
        return flat;
    }

    /** @return number of scalar panels */
    int panelCount() {
        return scalarPanelsFor(n);
    }

    /** @param p scalar panel index @return its column count */
    int width(int p) {
        return Math.min(n, (p + 1) * PANEL_WIDTH) - p * PANEL_WIDTH;
    }

    /**
     * @param p scalar panel index
     * @return its rows (the first {@link #width(int)} elements of the first {@link #k()} rows are
     *     the matrix, the rest is slack)
     */
    float[][] panel(int p) {
        return panels[p];
    }
}
