package dev.clinfer.cpu;

import dev.clinfer.ops.ExecContext;
import jdk.incubator.vector.FloatVector;

/**
 * One row of A times a packed B on the Vector API: a classifier's {@code [1, k] x [k, n]}. The
 * blocked kernel computes {@link GemmVector#MR} rows of C at a time, so a single row would pay
 * for eight; here each column panel of B is streamed once with two independent accumulator pairs
 * (even and odd k) per panel, and the work is split by panels across the pool.
 *
 * <p>Only {@link GemmKernel} touches this class, and only when the Vector API is present.
 */
final class GemmVectorRow {
    private static final int L = GemmVector.L;
    private static final int NR = GemmVector.NR;

    private GemmVectorRow() {
    }

    /**
     * {@code c[cOff + j] = (add ? c[cOff + j] : 0) + sum_kk a[kk] * B[kk][j]} for j in [0, n).
     *
     * @param n   columns of B and C
     * @param k   depth
     * @param a   the row of A, {@code k} values from index 0 (alpha already applied)
     * @param bp  packed B ({@link GemmPackedB#flat()}: panel p, row kk, column cc at
     *            {@code p * k * NR + kk * NR + cc}, the last panel zero-padded)
     * @param c   C
     * @param cOff index of C[0][0]
     * @param add accumulate into C
     * @param ctx pool, or null
     */
    static void multiply(int n, int k, float[] a, float[] bp, float[] c, int cOff, boolean add, ExecContext ctx) {
        int panels = (n + NR - 1) / NR;
        if (ctx == null || panels == 1) {
            panels(0, panels, n, k, a, bp, c, cOff, add);
        } else {
            ctx.parallelFor(panels, 2L * k * NR, (s, e) -> panels(s, e, n, k, a, bp, c, cOff, add));
        }
    }

    private static void panels(int p0, int p1, int n, int k, float[] a, float[] bp, float[] c, int cOff,
                               boolean add) {
        float[] tail = new float[NR];
        for (int p = p0; p < p1; p++) {
            int base = p * k * NR;
            FloatVector e0 = FloatVector.zero(GemmVector.S);
            FloatVector e1 = e0;
            FloatVector o0 = e0;
            FloatVector o1 = e0;
            int kk = 0;
            for (; kk + 1 < k; kk += 2) {
                int r = base + kk * NR;
                FloatVector ae = FloatVector.broadcast(GemmVector.S, a[kk]);
                FloatVector ao = FloatVector.broadcast(GemmVector.S, a[kk + 1]);
                e0 = FloatVector.fromArray(GemmVector.S, bp, r).fma(ae, e0);
                e1 = FloatVector.fromArray(GemmVector.S, bp, r + L).fma(ae, e1);
                o0 = FloatVector.fromArray(GemmVector.S, bp, r + NR).fma(ao, o0);
                o1 = FloatVector.fromArray(GemmVector.S, bp, r + NR + L).fma(ao, o1);
            }
            if (kk < k) {
                int r = base + kk * NR;
                FloatVector ae = FloatVector.broadcast(GemmVector.S, a[kk]);
                e0 = FloatVector.fromArray(GemmVector.S, bp, r).fma(ae, e0);
                e1 = FloatVector.fromArray(GemmVector.S, bp, r + L).fma(ae, e1);
            }
            int j0 = p * NR;
            int w = Math.min(NR, n - j0);
            e0 = e0.add(o0);
            e1 = e1.add(o1);
            if (w == NR) {
                if (add) {
                    e0 = e0.add(FloatVector.fromArray(GemmVector.S, c, cOff + j0));
                    e1 = e1.add(FloatVector.fromArray(GemmVector.S, c, cOff + j0 + L));
                }
                e0.intoArray(c, cOff + j0);
                e1.intoArray(c, cOff + j0 + L);
            } else {
                e0.intoArray(tail, 0);
                e1.intoArray(tail, L);
                for (int j = 0; j < w; j++) {
                    c[cOff + j0 + j] = add ? c[cOff + j0 + j] + tail[j] : tail[j];
                }
            }
        }
    }
}
