package dev.clinfer.ops;

import dev.clinfer.cpu.GemmKernel;

/**
 * Block loop of the exact (erf-based) GELU, {@code 0.5 x (1 + erf(x / sqrt 2))}, for
 * {@code FusedGelu}.
 *
 * <p>erf is the rational minimax form {@link ElementwiseFast#erf} uses (Eigen's coefficients),
 * here evaluated in float with fused multiply-adds: branch-free and without an exp, within
 * 3.4e-7 of erf (about 5 ulp next to +-1; the GELU itself stays within 2e-7 relative for x > 0).
 * The scalar loop and {@link GeluVector} do the same float operations in the same order, so both
 * paths give bit-identical results. Float, not double: widening to double lanes needs a second
 * FloatVector shape, and loading one next to the GEMM's shape made C2 compile the GEMM
 * micro-kernel without intrinsics in most JVMs (measured: MiniLM-L6 5-10x slower).
 */
final class GeluKernel {
    static final float INV_SQRT_2 = 0.70710677f;
    /** Beyond |x / sqrt 2| = 4, erf rounds to +-1 in float; clamping also keeps NaN. */
    static final float CLAMP = 4f;
    static final float A1 = -1.60960333262415e-02f;
    static final float A3 = -2.95459980854025e-03f;
    static final float A5 = -7.34990630326855e-04f;
    static final float A7 = -5.69250639462346e-05f;
    static final float A9 = -2.10102402082508e-06f;
    static final float A11 = 2.77068142495902e-08f;
    static final float A13 = -2.72614225801306e-10f;
    static final float B0 = -1.42647390514189e-02f;
    static final float B2 = -7.37332916720468e-03f;
    static final float B4 = -1.68282697438203e-03f;
    static final float B6 = -2.13374055278905e-04f;
    static final float B8 = -1.45660718464996e-05f;

    private GeluKernel() {
    }

    /**
     * {@code d[i] = gelu(s[i])} for {@code i < n}, on the Vector API where it is in use.
     *
     * @param s input
     * @param d output (may be s)
     * @param n length
     */
    static void apply(float[] s, float[] d, int n) {
        int i = GemmKernel.VECTOR ? GeluVector.apply(s, d, n) : 0;
        for (; i < n; i++) {
            d[i] = gelu(s[i]);
        }
    }

    /**
     * @param x argument
     * @return 0.5 x (1 + erf(x / sqrt 2))
     */
    static float gelu(float x) {
        float v = Math.max(Math.min(x * INV_SQRT_2, CLAMP), -CLAMP);
        float v2 = v * v;
        float p = Math.fma(v2, A13, A11);
        p = Math.fma(v2, p, A9);
        p = Math.fma(v2, p, A7);
        p = Math.fma(v2, p, A5);
        p = Math.fma(v2, p, A3);
        p = Math.fma(v2, p, A1);
        float q = Math.fma(v2, B8, B6);
        q = Math.fma(v2, q, B4);
        q = Math.fma(v2, q, B2);
        q = Math.fma(v2, q, B0);
        return 0.5f * x * (1f + p * v / q);
    }
}
