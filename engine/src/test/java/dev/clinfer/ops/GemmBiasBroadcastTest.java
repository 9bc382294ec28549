package dev.clinfer.ops;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link MatMulOps#broadcastInto}: Gemm's C broadcast to [m, n] for every shape that broadcasts. */
class GemmBiasBroadcastTest {
    private static void check(long[] shape, int m, int n) {
        int size = 1;
        for (long d : shape) {
            size *= (int) d;
        }
        float[] bv = new float[size];
        for (int i = 0; i < size; i++) {
            bv[i] = 1 + i;
        }
        float[] c = new float[m * n];
        MatMulOps.broadcastInto(bv, shape, c, m, n);
        int rank = shape.length;
        for (int r = 0; r < m; r++) {
            for (int j = 0; j < n; j++) {
                // numpy broadcasting written out: align on the right, size-1 dims repeat.
                long rowDim = rank >= 2 ? shape[rank - 2] : 1;
                long colDim = rank >= 1 ? shape[rank - 1] : 1;
                int rr = rowDim == 1 ? 0 : r;
                int cc = colDim == 1 ? 0 : j;
                float want = bv[(int) (rr * colDim + cc)];
                assertEquals(want, c[r * n + j], 0f, java.util.Arrays.toString(shape) + " at " + r + "," + j);
            }
        }
    }

    @Test
    void everyBroadcastableShape() {
        int[][] mn = {{3, 5}, {1, 4}, {4, 1}, {1, 1}, {5, 5}};
        for (int[] d : mn) {
            int m = d[0];
            int n = d[1];
            check(new long[] {}, m, n);
            check(new long[] {1}, m, n);
            check(new long[] {1, 1}, m, n);
            check(new long[] {n}, m, n);
            check(new long[] {1, n}, m, n);
            check(new long[] {m, 1}, m, n);
            check(new long[] {m, n}, m, n);
        }
    }
}
