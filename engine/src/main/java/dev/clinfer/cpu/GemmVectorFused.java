package dev.clinfer.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * The 8 x 2L micro-kernel with a Conv epilogue in registers: the accumulators start from the
 * rows' bias and are clamped before the one store, for GEMMs whose depth fits one k block. A
 * separate pass over each finished tile (load, add bias, clamp, store) cost about as much as the
 * multiply-adds of a thin pointwise convolution (MobileNet's expand layers have k = 16 to 160).
 * Kept apart from {@link GemmVector#kernel8x2} for the reason given there: one kernel a method.
 *
 * <p>Only {@link GemmVector} calls this class.
 */
final class GemmVectorFused {
    private static final int L = GemmVector.L;
    private static final int MR = GemmVector.MR;
    private static final int NR = GemmVector.NR;

    private GemmVectorFused() {
    }

    /**
     * C[8 x 2L] = clamp(bias + A panel (kc x 8) * B panel (kc x NR)), B read with stride NR.
     *
     * @param bias per-row bias of all of C, or null
     * @param i0   row of C the tile starts at
     * @param lo   lower clamp (-inf for none)
     * @param hi   upper clamp (+inf for none)
     */
    static void kernel8x2(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc,
                          float[] bias, int i0, float lo, float hi) {
        FloatVector c00 = FloatVector.broadcast(GemmVector.S, bias == null ? 0f : bias[i0]);
        FloatVector c10 = FloatVector.broadcast(GemmVector.S, bias == null ? 0f : bias[i0 + 1]);
        FloatVector c20 = FloatVector.broadcast(GemmVector.S, bias == null ? 0f : bias[i0 + 2]);
        FloatVector c30 = FloatVector.broadcast(GemmVector.S, bias == null ? 0f : bias[i0 + 3]);
        FloatVector c40 = FloatVector.broadcast(GemmVector.S, bias == null ? 0f : bias[i0 + 4]);
        FloatVector c50 = FloatVector.broadcast(GemmVector.S, bias == null ? 0f : bias[i0 + 5]);
        FloatVector c60 = FloatVector.broadcast(GemmVector.S, bias == null ? 0f : bias[i0 + 6]);
        FloatVector c70 = FloatVector.broadcast(GemmVector.S, bias == null ? 0f : bias[i0 + 7]);
        FloatVector c01 = c00;
        FloatVector c11 = c10;
        FloatVector c21 = c20;
        FloatVector c31 = c30;
        FloatVector c41 = c40;
        FloatVector c51 = c50;
        FloatVector c61 = c60;
        FloatVector c71 = c70;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(GemmVector.S, b, bo);
            FloatVector b1 = FloatVector.fromArray(GemmVector.S, b, bo + L);
            FloatVector x = FloatVector.broadcast(GemmVector.S, a[ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(GemmVector.S, a[ao + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(GemmVector.S, a[ao + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(GemmVector.S, a[ao + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(GemmVector.S, a[ao + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(GemmVector.S, a[ao + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(GemmVector.S, a[ao + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(GemmVector.S, a[ao + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            ao += MR;
            bo += NR;
        }
        FloatVector vlo = FloatVector.broadcast(GemmVector.S, lo);
        FloatVector vhi = FloatVector.broadcast(GemmVector.S, hi);
        c00.max(vlo).min(vhi).intoArray(c, co);
        c01.max(vlo).min(vhi).intoArray(c, co + L);
        c10.max(vlo).min(vhi).intoArray(c, co + ldc);
        c11.max(vlo).min(vhi).intoArray(c, co + ldc + L);
        c20.max(vlo).min(vhi).intoArray(c, co + 2 * ldc);
        c21.max(vlo).min(vhi).intoArray(c, co + 2 * ldc + L);
        c30.max(vlo).min(vhi).intoArray(c, co + 3 * ldc);
        c31.max(vlo).min(vhi).intoArray(c, co + 3 * ldc + L);
        c40.max(vlo).min(vhi).intoArray(c, co + 4 * ldc);
        c41.max(vlo).min(vhi).intoArray(c, co + 4 * ldc + L);
        c50.max(vlo).min(vhi).intoArray(c, co + 5 * ldc);
        c51.max(vlo).min(vhi).intoArray(c, co + 5 * ldc + L);
        c60.max(vlo).min(vhi).intoArray(c, co + 6 * ldc);
        c61.max(vlo).min(vhi).intoArray(c, co + 6 * ldc + L);
        c70.max(vlo).min(vhi).intoArray(c, co + 7 * ldc);
        c71.max(vlo).min(vhi).intoArray(c, co + 7 * ldc + L);
    }
}
