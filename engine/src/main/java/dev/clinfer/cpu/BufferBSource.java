package dev.clinfer.cpu;

import java.nio.FloatBuffer;

/**
 * A row-major matrix in a direct buffer as a GEMM operand ({@link GemmBSource#buffer}): each row of
 * a block is read with one bulk copy into a per-thread row, then dealt out to the panels.
 */
final class BufferBSource implements GemmBSource {
    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[0]);

    private final FloatBuffer b;
    private final int bOff;
    private final int ldb;
    private final int k;
    private final int n;

    BufferBSource(FloatBuffer b, int bOff, int ldb, int k, int n) {
        this.b = b;
        this.bOff = bOff;
        this.ldb = ldb;
        this.k = k;
        this.n = n;
    }

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
        int len = j1 - j0;
        float[] row = ROW.get();
        if (row.length < len) {
            row = new float[len];
            ROW.set(row);
        }
        for (int kk = 0; kk < kc; kk++) {
            b.get(bOff + (k0 + kk) * ldb + j0, row, 0, len);
            for (int pj = 0, p = 0; pj < len; pj += nr, p++) {
                System.arraycopy(row, pj, dst, p * kc * nr + kk * nr, Math.min(nr, len - pj));
            }
        }
    }
}
