package dev.clinfer.passes;

import dev.clinfer.ops.ElementwiseMath;
import dev.clinfer.ops.FusedActivation;
import dev.clinfer.ops.FusedMath;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scalar math of the fused kernels against float64 references. */
class FusedKernelsTest {
    @Test
    void erfIsAccurateToFloatPrecision() {
        for (double x = -7; x <= 7; x += 0.001) {
            double want = ElementwiseMath.erf(x);
            double got = FusedMath.erf((float) x);
            assertTrue(Math.abs(got - want) <= 2e-7 + 1e-6 * Math.abs(want), "erf(" + x + ") = " + got + ", want " + want);
        }
        assertTrue(Float.isNaN(FusedMath.erf(Float.NaN)));
        assertEquals(1f, FusedMath.erf(Float.POSITIVE_INFINITY));
    }

    @Test
    void activationsMatchTheirDefinitions() {
        float[] xs = {-7f, -3f, -0.5f, 0f, 0.25f, 2.5f, 9f};
        for (float x : xs) {
            assertEquals(Math.max(0, x), new FusedActivation(FusedActivation.Kind.RELU, 0, 0).apply(x), 0f);
            assertEquals(Math.min(6, Math.max(0, x)), new FusedActivation(FusedActivation.Kind.CLIP, 0, 6).apply(x), 0f);
            assertEquals(x * Math.min(1, Math.max(0, x / 6.0 + 0.5)),
                    new FusedActivation(FusedActivation.Kind.HARD_SWISH, 0, 0).apply(x), 1e-6);
            assertEquals(Math.min(1, Math.max(0, 0.2 * x + 0.5)),
                    new FusedActivation(FusedActivation.Kind.HARD_SIGMOID, 0.2f, 0.5f).apply(x), 1e-6);
            assertEquals(x < 0 ? 0.1 * x : x, new FusedActivation(FusedActivation.Kind.LEAKY_RELU, 0.1f, 0).apply(x), 1e-6);
            assertEquals(x / (1 + Math.exp(-x)), new FusedActivation(FusedActivation.Kind.SWISH, 0, 0).apply(x), 1e-6);
            assertEquals(0.5 * x * (1 + ElementwiseMath.erf(x / Math.sqrt(2))), FusedMath.gelu(x), 1e-6);
        }
        float[] block = xs.clone();
        FusedActivation hs = new FusedActivation(FusedActivation.Kind.HARD_SWISH, 0, 0);
        hs.apply(block, 0, block.length);
        for (int i = 0; i < xs.length; i++) {
            assertEquals(hs.apply(xs[i]), block[i], 0f);
        }
    }
}
