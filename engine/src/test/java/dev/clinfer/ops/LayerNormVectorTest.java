package dev.clinfer.ops;

import dev.clinfer.cpu.GemmKernel;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link LayerNormVector} against LayerNormalization computed in float64 here. */
class LayerNormVectorTest {
    @Test
    void rowsMatchFloat64Reference() {
        assumeTrue(GemmKernel.VECTOR, "Vector API not in use");
        Random rnd = new Random(3);
        for (int cols : new int[] {1, 5, 16, 17, 64, 384, 1000}) {
            for (boolean withBias : new boolean[] {false, true}) {
                float[] x = new float[cols];
                float[] scale = new float[cols];
                float[] bias = withBias ? new float[cols] : null;
                double offset = rnd.nextGaussian() * 10; // a mean far from 0 tests the two-pass variance
                for (int i = 0; i < cols; i++) {
                    x[i] = (float) (offset + rnd.nextGaussian() * 2);
                    scale[i] = (float) (0.5 + rnd.nextDouble());
                    if (bias != null) {
                        bias[i] = (float) rnd.nextGaussian();
                    }
                }
                double mean = 0;
                for (float v : x) {
                    mean += v;
                }
                mean /= cols;
                double var = 0;
                for (float v : x) {
                    var += (v - mean) * (v - mean);
                }
                var /= cols;
                double inv = 1 / Math.sqrt(var + 1e-5);
                float[] y = new float[cols];
                double[] stats = new double[2];
                LayerNormVector.row(x, y, cols, scale, bias, 1e-5, stats);
                assertEquals(mean, stats[0], 1e-6 * (Math.abs(mean) + 1));
                assertEquals(inv, stats[1], 1e-5 * inv);
                for (int i = 0; i < cols; i++) {
                    double ref = (x[i] - mean) * inv * scale[i] + (bias == null ? 0 : bias[i]);
                    assertEquals(ref, y[i], 2e-5 * (1 + Math.abs(ref)), "cols " + cols + " at " + i);
                }
            }
        }
    }
}
