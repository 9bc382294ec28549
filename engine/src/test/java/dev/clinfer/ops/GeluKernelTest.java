package dev.clinfer.ops;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link GeluKernel} (and its Vector API form where the module is present) against a float64 GELU. */
class GeluKernelTest {
    /** 0.5 x (1 + erf(x / sqrt 2)) in float64. */
    private static double reference(double x) {
        return 0.5 * x * (1 + ElementwiseMath.erf(x / Math.sqrt(2)));
    }

    @Test
    void blockMatchesFloat64ReferenceOnEveryLaneAndTheTail() {
        // 1000 + 37: whole vectors plus a scalar tail of any vector width.
        int n = 1037;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = -9f + 18f * i / (n - 1);
        }
        float[] y = new float[n];
        GeluKernel.apply(x, y, n);
        for (int i = 0; i < n; i++) {
            double ref = reference(x[i]);
            // erf is within 3.4e-7 of the truth, so GELU within 0.5 |x| 3.4e-7 plus a rounding.
            double tol = 0.5 * Math.abs(x[i]) * 3.5e-7 + 1e-7 * Math.abs(ref) + 1e-12;
            assertEquals(ref, y[i], tol, "x = " + x[i]);
            assertEquals(GeluKernel.gelu(x[i]), y[i], 0f, "vector and scalar forms agree at x = " + x[i]);
        }
    }

    @Test
    void relativeErrorIsSmallForPositiveInputs() {
        for (float x = 0.01f; x < 12f; x *= 1.01f) {
            double ref = reference(x);
            assertEquals(ref, GeluKernel.gelu(x), 3e-7 * ref, "x = " + x);
        }
    }

    @Test
    void specialValues() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, 0f, -0f, 1f, -1f};
        float[] y = new float[x.length];
        GeluKernel.apply(x, y, x.length);
        assertTrue(Float.isNaN(y[0]));
        assertEquals(Float.POSITIVE_INFINITY, y[1]);
        assertEquals(0f, y[2]);
        assertEquals(0.8413447460685429, y[4], 1e-7);
        assertEquals(-0.15865525393145707, y[5], 1e-7);
        // In place, as the elementwise block loops may call it.
        float[] z = new float[40];
        for (int i = 0; i < z.length; i++) {
            z[i] = i - 20;
        }
        GeluKernel.apply(z, z, z.length);
        for (int i = 0; i < z.length; i++) {
            assertEquals(reference(i - 20), z[i], 1e-5);
        }
    }
}
