package dev.clinfer.ops;

/** Float32 math for the fused kernels: a fast erf and the exact (erf-based) GELU. */
public final class FusedMath {

    private FusedMath() {
    }

    /**
     * erf in float precision: its Taylor series below |x| = 0.5 (relative error about 3e-8),
     * Abramowitz and Stegun 7.1.26 above (absolute error under 1.5e-7).
     *
     * @param x argument
     * @return erf(x)
     */
    public static float erf(float x) {
        float ax = Math.abs(x);
        if (ax < 0.5f) {
            float x2 = x * x;
            // x (1 - x^2/3 + x^4/10 - x^6/42 + x^8/216 - x^10/1320), times 2/sqrt(pi)
            float p = 1f + x2 * (-1f / 3 + x2 * (1f / 10 + x2 * (-1f / 42 + x2 * (1f / 216 + x2 * (-1f / 1320)))));
            return 1.1283791670955126f * x * p;
        }
        if (!(ax < 6f)) {
            return Float.isNaN(x) ? x : Math.copySign(1f, x);
        }
        double t = 1 / (1 + 0.3275911 * ax);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        return Math.copySign((float) (1 - poly * Math.exp(-(double) ax * ax)), x);
    }

    /**
     * The GELU of {@code FusedGelu} ({@link GeluKernel#gelu}, erf evaluated in double).
     *
     * @param x argument
     * @return 0.5 x (1 + erf(x / sqrt 2))
     */
    public static float gelu(float x) {
        return GeluKernel.gelu(x);
    }
}
