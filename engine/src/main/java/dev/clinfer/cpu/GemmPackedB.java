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

    private final int k;
    private final int n;
    private final float[][][] panels;

    private GemmPackedB(int k, int n) {
        this.k = k;
        this.n = n;
        int count = (n + PANEL_WIDTH - 1) / PANEL_WIDTH;
        panels = new float[count][][];
        for (int p = 0; p < count; p++) {
            panels[p] = new float[k][width(p)];
        }
    }

    /**
     * @param k rows
     * @param n columns
     * @return a zero-filled packed matrix
     */
    public static GemmPackedB allocate(int k, int n) {
        return new GemmPackedB(k, n);
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
     * @return the packed matrix
     */
    public static GemmPackedB pack(float[] b, int bOff, int ldb, boolean transB, int k, int n, ExecContext ctx) {
        GemmPackedB p = new GemmPackedB(k, n);
        int count = p.panels.length;
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
        return panels.length;
    }

    /** @param p panel index @return its column count */
    public int width(int p) {
        return Math.min(n, (p + 1) * PANEL_WIDTH) - p * PANEL_WIDTH;
    }

    /** @param p panel index @return its rows (writable; each has {@link #width(int)} elements) */
    public float[][] panel(int p) {
        return panels[p];
    }
}
