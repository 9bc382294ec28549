package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.clinfer.ops.GemmTestContext.assertClose;
import static dev.clinfer.ops.GemmTestContext.node;
import static dev.clinfer.ops.GemmTestContext.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** MatMul, Gemm and MatMulInteger against float64 references and hand-computed values. */
class MatMulOpsTest {
    private final GemmTestContext ctx = new GemmTestContext(2);

    /** numpy matmul in double for A [.., m, k] and B [.., k, n] given as broadcast batch shapes. */
    private static double[] reference(float[] a, long[] aShape, float[] b, long[] bShape, long[] outBatch,
                                      int m, int n, int k) {
        long[] ab = java.util.Arrays.copyOf(aShape, aShape.length - 2);
        long[] bb = java.util.Arrays.copyOf(bShape, bShape.length - 2);
        int[] ai = OpUtil.broadcastIndex(ab, outBatch);
        int[] bi = OpUtil.broadcastIndex(bb, outBatch);
        double[] out = new double[ai.length * m * n];
        for (int t = 0; t < ai.length; t++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int kk = 0; kk < k; kk++) {
                        s += (double) a[ai[t] * m * k + i * k + kk] * b[bi[t] * k * n + kk * n + j];
                    }
                    out[(t * m + i) * n + j] = s;
                }
            }
        }
        return out;
    }

    private void batched(long[] aShape, long[] bShape, long[] outBatch) {
        Random r = new Random(aShape.length * 31 + bShape.length);
        int m = (int) aShape[aShape.length - 2];
        int k = (int) aShape[aShape.length - 1];
        int n = (int) bShape[bShape.length - 1];
        float[] a = random(r, OpUtil.size(aShape));
        float[] b = random(r, OpUtil.size(bShape));
        Tensor y = MatMulOps.matMul(node("MatMul"), new Tensor[] {Tensor.of(a, aShape), Tensor.of(b, bShape)}, ctx)[0];
        long[] want = java.util.Arrays.copyOf(outBatch, outBatch.length + 2);
        want[outBatch.length] = m;
        want[outBatch.length + 1] = n;
        assertArrayEquals(want, y.shape());
        assertClose(reference(a, aShape, b, bShape, outBatch, m, n, k), y.toFloatArray(), 1e-5);
    }

    @Test
    void batchedBroadcasting() {
        batched(new long[] {2, 16, 384}, new long[] {384, 300}, new long[] {2});
        batched(new long[] {2, 3, 16, 64}, new long[] {2, 3, 64, 16}, new long[] {2, 3});
        batched(new long[] {2, 1, 5, 7}, new long[] {4, 7, 3}, new long[] {2, 4});
        batched(new long[] {5, 7}, new long[] {3, 7, 9}, new long[] {3});
        batched(new long[] {1, 33, 70}, new long[] {70, 260}, new long[] {1});
    }

    @Test
    void vectorPromotion() {
        Tensor v = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor m = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        Tensor y = MatMulOps.matMul(node("MatMul"), new Tensor[] {v, m}, ctx)[0];
        assertArrayEquals(new long[] {2}, y.shape());
        assertArrayEquals(new float[] {22, 28}, y.toFloatArray());
        Tensor mt = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        y = MatMulOps.matMul(node("MatMul"), new Tensor[] {mt, v}, ctx)[0];
        assertArrayEquals(new long[] {2}, y.shape());
        assertArrayEquals(new float[] {14, 32}, y.toFloatArray());
        y = MatMulOps.matMul(node("MatMul"), new Tensor[] {v, v}, ctx)[0];
        assertArrayEquals(new long[0], y.shape());
        assertArrayEquals(new float[] {14}, y.toFloatArray());
    }

    @Test
    void integerAndDoubleTypes() {
        Tensor a = Tensor.ofLongs(new long[] {1, 2, 3, 4}, 2, 2);
        Tensor b = Tensor.ofLongs(new long[] {5, 6, 7, 8}, 2, 2);
        Tensor y = MatMulOps.matMul(node("MatMul"), new Tensor[] {a, b}, ctx)[0];
        assertArrayEquals(new long[] {19, 22, 43, 50}, y.toLongArray());
        Tensor da = Tensor.ofDoubles(new double[] {1, 2, 3, 4}, 2, 2);
        Tensor db = Tensor.ofDoubles(new double[] {5, 6, 7, 8}, 2, 2);
        y = MatMulOps.matMul(node("MatMul"), new Tensor[] {da, db}, ctx)[0];
        assertArrayEquals(new double[] {19, 22, 43, 50}, y.toDoubleArray());
    }

    @Test
    void mismatchedInnerDimsNamesTheNode() {
        Tensor a = Tensor.of(new float[6], 2, 3);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> MatMulOps.matMul(node("MatMul"), new Tensor[] {a, a}, ctx));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("MatMul"), e.getMessage());
    }

    @Test
    void gemmAttributesAndBroadcastBias() {
        Random r = new Random(7);
        int m = 5;
        int n = 9;
        int k = 11;
        float[] a = random(r, k * m);
        float[] b = random(r, n * k);
        float[] c = random(r, n);
        Tensor y = MatMulOps.gemm(node("Gemm", GemmTestContext.integer("transA", 1), GemmTestContext.integer("transB", 1),
                        GemmTestContext.real("alpha", 0.25f), GemmTestContext.real("beta", -2f)),
                new Tensor[] {Tensor.of(a, k, m), Tensor.of(b, n, k), Tensor.of(c, n)}, ctx)[0];
        double[] want = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int kk = 0; kk < k; kk++) {
                    s += (double) a[kk * m + i] * b[j * k + kk];
                }
                want[i * n + j] = 0.25 * s - 2.0 * c[j];
            }
        }
        assertClose(want, y.toFloatArray(), 1e-5);
        // No C, column-vector bias [m, 1].
        Tensor y2 = MatMulOps.gemm(node("Gemm"), new Tensor[] {Tensor.of(new float[] {1, 2, 3, 4}, 2, 2),
                Tensor.of(new float[] {1, 0, 0, 1}, 2, 2), Tensor.of(new float[] {10, 20}, 2, 1)}, ctx)[0];
        assertArrayEquals(new float[] {11, 12, 23, 24}, y2.toFloatArray());
        Tensor y3 = MatMulOps.gemm(node("Gemm"), new Tensor[] {Tensor.of(new float[] {1, 2, 3, 4}, 2, 2),
                Tensor.of(new float[] {1, 0, 0, 1}, 2, 2)}, ctx)[0];
        assertArrayEquals(new float[] {1, 2, 3, 4}, y3.toFloatArray());
    }

    @Test
    void matMulIntegerWithZeroPoints() {
        // A uint8 with per-row zero points, B int8 with a scalar zero point.
        Tensor a = Tensor.ofBytes(DataType.UINT8, new byte[] {(byte) 200, 10, 3, 4}, 2, 2);
        Tensor aZp = Tensor.ofBytes(DataType.UINT8, new byte[] {(byte) 100, 1}, 2);
        Tensor b = Tensor.ofBytes(DataType.INT8, new byte[] {-1, 2, 3, -4}, 2, 2);
        Tensor bZp = Tensor.ofBytes(DataType.INT8, new byte[] {1}, 1);
        Tensor y = MatMulOps.matMulInteger(node("MatMulInteger"), new Tensor[] {a, b, aZp, bZp}, ctx)[0];
        // A - zp = [[100, -90], [2, 3]]; B - zp = [[-2, 1], [2, -5]].
        assertArrayEquals(new int[] {-380, 550, 2, -13}, y.toIntArray());
        org.junit.jupiter.api.Assertions.assertEquals(DataType.INT32, y.dataType());
    }
}
