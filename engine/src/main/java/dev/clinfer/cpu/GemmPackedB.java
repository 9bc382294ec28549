package dev.clinfer.cpu;

import dev.clinfer.ops.ExecContext;

/**
 * The right-hand matrix of a GEMM ({@code k x n}) cut into panels of at most
 * {@link #PANEL_WIDTH} columns, each panel one {@code float[]} per row. {@link GemmKernel}'s
 * inner loop reads four such rows at index {@code j}: C2 (JDK 17) only vectorises a loop whose
 * array accesses all share one index expression, so rows live in separate arrays instead of at
 * offsets of one array.
 *
 * <p>Producers such as im2col write straight into the panels, skipping a separate pack step.
 */
public final class GemmPackedB {
    /** Columns per panel: one panel row is 1 KiB, a 256-row block of a panel 256 KiB (L2). */
    public static final int PANEL_WIDTH = 256;

    /** Largest buffer (in floats) a thread keeps for reuse; bigger ones are left to the GC. */
    private static final long MAX_CACHED_FLOATS = 4L << 20;

    /**
     * One spare buffer per thread. {@link #take} empties the slot, so a nested take on the same
     * thread (e.g. a work-stealing join running another kernel) gets a fresh buffer, never a
     * shared one.
     */
    private static final ThreadLocal<GemmPackedB> SPARE = new ThreadLocal<>();

    private int k;
    private int n;
    private final int rowCapacity;
    /** Panels; every row array is a full {@link #PANEL_WIDTH} long, so buffers can be reused. */
    private final float[][][] panels;

    private GemmPackedB(int k, int n, int rowCapacity, int panelCapacity) {
        this.k = k;
        this.n = n;
        this.rowCapacity = rowCapacity;
        panels = new float[panelCapacity][][];
        for (int p = 0; p < panelCapacity; p++) {
            panels[p] = new float[rowCapacity][PANEL_WIDTH];
        }
    }

    private static int panelsFor(int n) {
        return (n + PANEL_WIDTH - 1) / PANEL_WIDTH;
    }

    /**
     * @param k rows
     * @param n columns
     * @return a fresh, zero-filled packed matrix
     */
    public static GemmPackedB allocate(int k, int n) {
        return new GemmPackedB(k, n, k, panelsFor(n));
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
        if (b != null && b.rowCapacity >= k && b.panels.length >= panelsFor(n)) {
            SPARE.set(null);
            b.k = k;
            b.n = n;
            return b;
        }
        return allocate(k, n);
    }

    /** Offers this matrix for reuse by {@link #take} on the calling thread. */
    public void release() {
        if ((long) rowCapacity * panels.length * PANEL_WIDTH > MAX_CACHED_FLOATS) {
            return;
        }
        GemmPackedB cur = SPARE.get();
        if (cur == null || (long) cur.rowCapacity * cur.panels.length < (long) rowCapacity * panels.length) {
            SPARE.set(this);
        }
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
     * @return the packed matrix (from {@link #take}: {@link #release} it after use)
     */
    public static GemmPackedB pack(float[] b, int bOff, int ldb, boolean transB, int k, int n, ExecContext ctx) {
        GemmPackedB p = take(k, n);
        int count = p.panelCount();
        if (ctx == null || (long) k * n < (1 << 16)) {
            p.fill(b, bOff, ldb, transB, 0, count);
        } else {
            ctx.parallelFor(count, (long) k * PANEL_WIDTH, (s, e) -> p.fill(b, bOff, ldb, transB, s, e));
        }
        return p;
    }

    private void fill(float[] b, int bOff, int ldb, boolean transB, int p0, int p1) {
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

    /** @return rows */
    public int k() {
        return k;
    }

    /** @return columns */
    public int n() {
        return n;
    }

    /** @return number of panels */
    public int panelCount() {
        return panelsFor(n);
    }

    /** @param p panel index @return its column count */
    public int width(int p) {
        return Math.min(n, (p + 1) * PANEL_WIDTH) - p * PANEL_WIDTH;
    }

    /**
     * @param p panel index
     * @return its rows (writable; the first {@link #width(int)} elements of the first {@link #k()}
     *     rows are the matrix, the rest is slack)
     */
    public float[][] panel(int p) {
        return panels[p];
    }
}
