package dev.clinfer.ops;

import dev.clinfer.cpu.GemmBSource;
import dev.clinfer.cpu.GemmKernel;
import dev.clinfer.cpu.GemmPackedA;
import dev.clinfer.cpu.GemmPackedB;
import dev.clinfer.cpu.GemmSink;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;

import static dev.clinfer.ops.GemmTestContext.assertClose;
import static dev.clinfer.ops.GemmTestContext.random;

/** {@link GemmKernel#sgemm} against a float64 triple loop on odd shapes, both transposes, offsets. */
class GemmKernelTest {
    private static double[] reference(int m, int n, int k, double alpha, float[] a, int aOff, int lda, boolean ta,
                                      float[] b, int bOff, int ldb, boolean tb, double beta, float[] c, int cOff, int ldc) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int kk = 0; kk < k; kk++) {
                    double x = ta ? a[aOff + kk * lda + i] : a[aOff + i * lda + kk];
                    double y = tb ? b[bOff + j * ldb + kk] : b[bOff + kk * ldb + j];
                    s += x * y;
                }
                out[i * n + j] = alpha * s + (beta == 0 ? 0 : beta * c[cOff + i * ldc + j]);
            }
        }
        return out;
    }

    private static void check(Random r, int m, int n, int k, boolean ta, boolean tb, float alpha, float beta,
                              GemmTestContext ctx) {
        int aOff = r.nextInt(3);
        int bOff = r.nextInt(3);
        int cOff = r.nextInt(3);
        int lda = (ta ? m : k) + r.nextInt(2);
        int ldb = (tb ? k : n) + r.nextInt(2);
        int ldc = n + r.nextInt(2);
        float[] a = random(r, aOff + lda * (ta ? k : m) + 1);
        float[] b = random(r, bOff + ldb * (tb ? n : k) + 1);
        float[] c = random(r, cOff + ldc * m + 1);
        double[] want = reference(m, n, k, alpha, a, aOff, lda, ta, b, bOff, ldb, tb, beta, c, cOff, ldc);
        float[] cBefore = c.clone();
        GemmKernel.sgemm(m, n, k, alpha, a, aOff, lda, ta, b, bOff, ldb, tb, beta, c, cOff, ldc, ctx);
        float[] got = new float[m * n];
        for (int i = 0; i < m; i++) {
            System.arraycopy(c, cOff + i * ldc, got, i * n, n);
            // Padding columns of C (ldc > n) must be untouched.
            for (int j = n; j < ldc && cOff + i * ldc + j < c.length; j++) {
                org.junit.jupiter.api.Assertions.assertEquals(cBefore[cOff + i * ldc + j], c[cOff + i * ldc + j]);
            }
        }
        assertClose(want, got, 1e-4);
    }

    @Test
    void randomShapesSerialAndParallel() {
        Random r = new Random(42);
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {17, 9, 4}, {2, 300, 3}, {33, 257, 259}, {70, 513, 31},
                          {5, 3, 600}, {64, 7, 64}, {1, 1000, 13}, {129, 16, 64}};
        try (GemmTestContext one = new GemmTestContext(1); GemmTestContext three = new GemmTestContext(3)) {
            for (int[] s : shapes) {
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0;
                    boolean tb = (t & 2) != 0;
                    check(r, s[0], s[1], s[2], ta, tb, 1f, 0f, one);
                    check(r, s[0], s[1], s[2], ta, tb, 0.5f, 1.5f, three);
                }
            }
        }
    }

    /**
     * {@link GemmKernel#sgemmPacked} (constant B packed once): one row of A (the classifier case,
     * its own row kernel), a few rows, both layouts of A, alpha and beta, widths that end inside
     * a column panel.
     */
    @Test
    void packedBSingleRowAndFewRows() {
        Random r = new Random(17);
        int[][] shapes = {{1, 1000, 1280}, {1, 33, 7}, {1, 64, 1}, {3, 45, 20}};
        try (GemmTestContext one = new GemmTestContext(1); GemmTestContext three = new GemmTestContext(3)) {
            for (int[] sh : shapes) {
                int m = sh[0];
                int n = sh[1];
                int k = sh[2];
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0;
                    float alpha = t < 2 ? 1f : 0.5f;
                    float beta = t < 2 ? 0f : 1.5f;
                    int lda = (ta ? m : k) + 1;
                    float[] a = random(r, lda * (ta ? k : m) + 1);
                    float[] b = random(r, k * n);
                    float[] c = random(r, m * n);
                    double[] want = reference(m, n, k, alpha, a, 1, lda, ta, b, 0, n, false, beta, c, 0, n);
                    GemmPackedB pb = GemmPackedB.pack(b, 0, n, false, k, n, null, true);
                    GemmKernel.sgemmPacked(m, alpha, a, 1, lda, ta, pb, beta, c, 0, n, t % 2 == 0 ? one : three);
                    assertClose(want, c, 1e-4);
                }
            }
        }
    }

    @Test
    void zeroDepthScalesC() {
        float[] c = {1, 2, 3, 4};
        GemmKernel.sgemm(2, 2, 0, 1f, new float[0], 0, 0, false, new float[0], 0, 2, false, 2f, c, 0, 2, null);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {2, 4, 6, 8}, c);
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        float[] c = {Float.NaN};
        GemmKernel.sgemm(1, 1, 2, 1f, new float[] {1, 2}, 0, 2, false, new float[] {3, 4}, 0, 1, false, 0f, c, 0, 1, null);
        org.junit.jupiter.api.Assertions.assertEquals(11f, c[0]);
    }

    /**
     * C into a direct buffer ({@link GemmSink}), B read from one: with an offset and a row stride
     * wider than C, with and without an addend, bias and clamp, on shapes of several tiles. Elements
     * outside C must keep their values.
     */
    @Test
    void sinkIntoDirectBufferMatchesReference() {
        Random r = new Random(7);
        int[][] shapes = {{3, 5, 7}, {24, 1100, 40}, {96, 2100, 16}, {260, 70, 300}, {9, 33, 1}};
        try (GemmTestContext one = new GemmTestContext(1); GemmTestContext three = new GemmTestContext(3)) {
            for (int[] sh : shapes) {
                for (int variant = 0; variant < 4; variant++) {
                    int m = sh[0];
                    int n = sh[1];
                    int k = sh[2];
                    boolean add = (variant & 1) != 0;
                    int off = 5;
                    int ld = n + 3;
                    float[] a = random(r, m * k);
                    float[] b = random(r, k * n);
                    float[] bias = random(r, m);
                    float[] init = random(r, off + ld * m);
                    float[] addend = random(r, off + ld * m);
                    FloatBuffer y = direct(init);
                    FloatBuffer bBuf = direct(b);
                    float lo = -0.5f;
                    float hi = 0.75f;
                    GemmPackedA pa = GemmPackedA.pack(a, 0, k, false, m, k, 1f, null);
                    GemmKernel.multiply(pa, GemmBSource.buffer(bBuf, 0, n, k, n),
                            new GemmSink(y, off, ld, add ? direct(addend) : null), bias, lo, hi, null,
                            variant < 2 ? one : three);
                    double[] want = reference(m, n, k, 1, a, 0, k, false, b, 0, n, false, 0, null, 0, 0);
                    float[] got = new float[m * n];
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double v = want[i * n + j] + bias[i] + (add ? addend[off + i * ld + j] : 0);
                            want[i * n + j] = Math.min(hi, Math.max(lo, v));
                            got[i * n + j] = y.get(off + i * ld + j);
                        }
                        for (int j = n; j < ld && off + i * ld + j < init.length; j++) {
                            org.junit.jupiter.api.Assertions.assertEquals(init[off + i * ld + j], y.get(off + i * ld + j));
                        }
                    }
                    for (int q = 0; q < off; q++) {
                        org.junit.jupiter.api.Assertions.assertEquals(init[q], y.get(q));
                    }
                    assertClose(want, got, 1e-4);
                }
            }
        }
    }

    private static FloatBuffer direct(float[] v) {
        FloatBuffer f = ByteBuffer.allocateDirect(v.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        f.put(0, v);
        return f;
    }
}
