package dev.clinfer.ops;

import dev.clinfer.api.Tensor;
import org.junit.jupiter.api.Test;

import static dev.clinfer.ops.PoolTestSupport.assertClose;
import static dev.clinfer.ops.PoolTestSupport.assertShape;
import static dev.clinfer.ops.PoolTestSupport.node;
import static dev.clinfer.ops.PoolTestSupport.random;

class NormalizationOpsTest {
    private static Tensor vec(float... v) {
        return Tensor.of(v, v.length);
    }

    @Test
    void batchNormInference() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8};
        // N=1, C=2, 2x2; channel 0: scale 2, B 1, mean 2, var 3 (eps 1 -> std 2); channel 1: identity.
        Tensor y = node("BatchNormalization", 15).f("epsilon", 1f)
                .run(Tensor.of(x, 1, 2, 2, 2), vec(2, 1), vec(1, 0), vec(2, 0), vec(3, 0))[0];
        assertClose(new double[] {0, 1, 2, 3, 5 / Math.sqrt(1), 6, 7, 8}, y, 1e-6);
    }

    @Test
    void batchNormTrainingModeUsesBatchStatistics() {
        float[] x = {1, 3, 5, 7};
        // N=2, C=1, 2 elements: batch mean 4, population variance 5.
        Tensor[] r = node("BatchNormalization", 15).i("training_mode", 1).f("epsilon", 0f).f("momentum", 0.5f).io(5, 3)
                .run(Tensor.of(x, 2, 1, 2), vec(1), vec(0), vec(0), vec(1));
        double sd = Math.sqrt(5);
        assertClose(new double[] {-3 / sd, -1 / sd, 1 / sd, 3 / sd}, r[0], 1e-6);
        assertClose(new double[] {2}, r[1], 1e-6);
        assertClose(new double[] {3}, r[2], 1e-6);
    }

    @Test
    void instanceNormPerPlane() {
        float[] x = {1, 3, 10, 30};
        Tensor y = node("InstanceNormalization", 6).f("epsilon", 0f)
                .run(Tensor.of(x, 1, 2, 2), vec(1, 2), vec(0, 1))[0];
        assertClose(new double[] {-1, 1, -2 + 1, 2 + 1}, y, 1e-6);
    }

    @Test
    void layerNormMatchesReferenceAndReturnsStatistics() {
        float[] x = random(7, 2 * 3 * 4);
        float[] scale = random(8, 12);
        float[] bias = random(9, 12);
        Tensor[] r = node("LayerNormalization", 17).i("axis", 1).io(3, 3)
                .run(Tensor.of(x, 2, 3, 4), Tensor.of(scale, 3, 4), Tensor.of(bias, 3, 4));
        double[] want = new double[x.length];
        double[] means = new double[2];
        double[] invs = new double[2];
        for (int row = 0; row < 2; row++) {
            double m = 0;
            for (int k = 0; k < 12; k++) {
                m += x[row * 12 + k];
            }
            m /= 12;
            double v = 0;
            for (int k = 0; k < 12; k++) {
                v += (x[row * 12 + k] - m) * (x[row * 12 + k] - m);
            }
            double inv = 1 / Math.sqrt(v / 12 + 1e-5);
            means[row] = m;
            invs[row] = inv;
            for (int k = 0; k < 12; k++) {
                want[row * 12 + k] = (x[row * 12 + k] - m) * inv * scale[k] + bias[k];
            }
        }
        assertClose(want, r[0], 1e-5);
        assertShape(r[1], 2, 1, 1);
        assertClose(means, r[1], 1e-6);
        assertClose(invs, r[2], 1e-5);
    }

    @Test
    void layerNormBroadcastsScale() {
        float[] x = {1, 3, 2, 6};
        Tensor y = node("LayerNormalization", 17).f("epsilon", 0f).run(Tensor.of(x, 2, 2), Tensor.of(new float[] {2}, 1))[0];
        assertClose(new double[] {-2, 2, -2, 2}, y, 1e-6);
    }

    @Test
    void groupNormTwoGroups() {
        float[] x = {1, 3, 5, 7};
        // C=4, no spatial, 2 groups: {1,3} and {5,7} each standardise to {-1, 1}.
        Tensor y = node("GroupNormalization", 18).i("num_groups", 2).f("epsilon", 0f)
                .run(Tensor.of(x, 1, 4), vec(1, 2, 3, 4), vec(0, 0, 1, 1))[0];
        assertClose(new double[] {-1, 2, -3 + 1, 4 + 1}, y, 1e-6);
    }

    @Test
    void lrnAcrossChannels() {
        float[] x = {1, 2, 3};
        // size 3, alpha 3, beta 1, bias 1: channel 0 window {0,1} -> sum 5 -> y = 1 / (1 + 5)
        Tensor y = node("LRN", 13).i("size", 3).f("alpha", 3f).f("beta", 1f).f("bias", 1f).run(Tensor.of(x, 1, 3, 1))[0];
        assertClose(new double[] {1 / 6.0, 2 / 15.0, 3 / 14.0}, y, 1e-6);
    }

    @Test
    void meanVarianceNormalizationOverAxes() {
        float[] x = {1, 3, 10, 20};
        Tensor y = node("MeanVarianceNormalization", 13).ints("axes", 2).run(Tensor.of(x, 1, 2, 2))[0];
        assertClose(new double[] {-1, 1, -1, 1}, y, 1e-6);
    }

    @Test
    void lpNormalization() {
        float[] x = {3, 4, 1, -1};
        assertClose(new double[] {0.6, 0.8, Math.sqrt(0.5), -Math.sqrt(0.5)},
                node("LpNormalization", 1).run(Tensor.of(x, 2, 2))[0], 1e-6);
        assertClose(new double[] {3 / 7.0, 4 / 7.0, 0.5, -0.5},
                node("LpNormalization", 1).i("p", 1).run(Tensor.of(x, 2, 2))[0], 1e-6);
    }
}
