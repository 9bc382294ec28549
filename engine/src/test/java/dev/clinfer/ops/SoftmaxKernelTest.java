package dev.clinfer.ops;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SoftmaxKernel} (Vector API rows where the module is present) against float64 softmax. */
class SoftmaxKernelTest {
    @Test
    void expIsWithinTwoUlpOnTheSoftmaxRange() {
        for (float x = 0f; x > -87f; x -= 0.0137f) {
            double ref = Math.exp(x);
            assertEquals(ref, SoftmaxKernel.exp(x), 2 * Math.ulp((float) ref), "x = " + x);
        }
        assertEquals(1f, SoftmaxKernel.exp(0f), 0f);
        assertEquals(0f, SoftmaxKernel.exp(-100f), 0f);
        assertEquals(0f, SoftmaxKernel.exp(Float.NEGATIVE_INFINITY), 0f);
        assertTrue(Float.isNaN(SoftmaxKernel.exp(Float.NaN)));
    }

    @Test
    void rowsMatchFloat64SoftmaxForEveryRowLength() {
        Random rnd = new Random(7);
        // Lengths below, at and past every vector width, with a scalar tail or none.
        for (int cols : new int[] {1, 3, 4, 8, 15, 16, 17, 31, 32, 33, 64, 128, 130}) {
            int rows = 3;
            float[] x = new float[rows * cols];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rnd.nextGaussian() * 6);
            }
            // A masked-out score (additive -inf or a large negative mask) must give exactly 0.
            if (cols > 1) {
                x[cols / 2] = Float.NEGATIVE_INFINITY;
                x[x.length - 1] = -1e9f;
            }
            float[] y = x.clone();
            SoftmaxKernel.rows(y, rows, cols, null, 0, 0);
            for (int r = 0; r < rows; r++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) {
                    max = Math.max(max, x[r * cols + j]);
                }
                double sum = 0;
                for (int j = 0; j < cols; j++) {
                    sum += Math.exp(x[r * cols + j] - max);
                }
                for (int j = 0; j < cols; j++) {
                    double ref = Math.exp(x[r * cols + j] - max) / sum;
                    // x - max is rounded to float first: its relative error grows with |x - max|.
                    double tol = ref == 0 ? 0 : ref * (1e-6 + 1.2e-7 * Math.abs(x[r * cols + j] - max));
                    assertEquals(ref, y[r * cols + j], tol, "cols " + cols + " at " + r + "," + j);
                }
            }
            if (cols > 1) {
                assertEquals(0f, y[cols / 2], 0f);
                assertEquals(0f, y[y.length - 1], 0f);
            }
        }
    }

    @Test
    void maskIsAddedBeforeTheSoftmax() {
        Random rnd = new Random(11);
        for (int cols : new int[] {5, 16, 40, 128}) {
            for (int stride : new int[] {0, cols}) {
                int rows = 4;
                float[] x = new float[rows * cols];
                float[] mask = new float[3 + rows * cols];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (rnd.nextGaussian() * 4);
                }
                for (int i = 0; i < mask.length; i++) {
                    mask[i] = rnd.nextInt(4) == 0 ? -10000f : 0f; // attention-mask style
                }
                float[] y = x.clone();
                SoftmaxKernel.rows(y, rows, cols, mask, 3, stride);
                for (int r = 0; r < rows; r++) {
                    double[] s = new double[cols];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < cols; j++) {
                        s[j] = (double) x[r * cols + j] + mask[3 + r * stride + j];
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < cols; j++) {
                        sum += Math.exp(s[j] - max);
                    }
                    for (int j = 0; j < cols; j++) {
                        double ref = Math.exp(s[j] - max) / sum;
                        double tol = 1e-6 * ref + 1e-7 * ref * Math.abs(s[j] - max);
                        assertEquals(ref, y[r * cols + j], tol, "cols " + cols + " stride " + stride);
                    }
                }
            }
        }
    }

    @Test
    void nanPropagates() {
        float[] x = new float[40];
        x[5] = Float.NaN;
        SoftmaxKernel.rows(x, 1, 40, null, 0, 0);
        for (float v : x) {
            assertTrue(Float.isNaN(v));
        }
    }
}
