package dev.clinfer.ops;

/**
 * Float32 block loops for the hot unary activations: one plain loop per op over float arrays,
 * with no per-element virtual call (the generic path goes through a DoubleUnaryOperator) and no
 * lambda capture, so C2 inlines and, for the branch-free ones, vectorises them.
 *
 * <p>Semantics match the float64 forms the generic path used, rounded once to float: NaN
 * propagates through every op, and Relu/Clip map -0.0 to +0.0 where the bound is 0 (as
 * {@code Math.max(-0.0, 0.0)} does).
 */
public final class ElementwiseFast {
    // Rational minimax approximation of erf on [-4, 4] (odd numerator of degree 13 over even
    // denominator of degree 8; the coefficients are those of Eigen's float erf). Evaluated in
    // double it is within 2 float ulp of erf everywhere; in float the rounding of the two
    // polynomials costs up to 7 ulp near |x| = 3, hence the double evaluation.
    private static final double A1 = -1.60960333262415e-02;
    private static final double A3 = -2.95459980854025e-03;
    private static final double A5 = -7.34990630326855e-04;
    private static final double A7 = -5.69250639462346e-05;
    private static final double A9 = -2.10102402082508e-06;
    private static final double A11 = 2.77068142495902e-08;
    private static final double A13 = -2.72614225801306e-10;
    private static final double B0 = -1.42647390514189e-02;
    private static final double B2 = -7.37332916720468e-03;
    private static final double B4 = -1.68282697438203e-03;
    private static final double B6 = -2.13374055278905e-04;
    private static final double B8 = -1.45660718464996e-05;

    private ElementwiseFast() {
    }

    /**
     * erf in float precision (within about 2 ulp); NaN in, NaN out; +-1 beyond |x| = 4.
     *
     * @param x argument
     * @return erf(x)
     */
    public static float erf(float x) {
        // Clamping keeps NaN (Math.min/max propagate it), and erf(+-4) already rounds to +-1f.
        double v = Math.max(Math.min(x, 4.0), -4.0);
        double v2 = v * v;
        double p = ((((((A13 * v2 + A11) * v2 + A9) * v2 + A7) * v2 + A5) * v2 + A3) * v2 + A1) * v;
        double q = (((B8 * v2 + B6) * v2 + B4) * v2 + B2) * v2 + B0;
        return (float) (p / q);
    }

    /** @param s input @param d output @param n length: d = max(s, 0) */
    public static void relu(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i++) {
            d[i] = Math.max(s[i], 0f);
        }
    }

    /** @param s input @param d output @param n length @param lo lower bound @param hi upper bound */
    public static void clip(float[] s, float[] d, int n, float lo, float hi) {
        for (int i = 0; i < n; i++) {
            d[i] = Math.min(Math.max(s[i], lo), hi);
        }
    }

    /** @param s input @param d output @param n length: d = 1 / (1 + exp(-s)) */
    public static void sigmoid(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i++) {
            d[i] = sigmoid(s[i]);
        }
    }

    /** @param x argument @return 1 / (1 + exp(-x)), without overflow on either side */
    public static float sigmoid(float x) {
        double e = Math.exp(-Math.abs((double) x));
        double r = 1 / (1 + e);
        return (float) (x >= 0 ? r : e * r);
    }

    /** @param s input @param d output @param n length: d = s * sigmoid(s) */
    public static void swish(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i++) {
            float x = s[i];
            d[i] = (float) ((double) x * sigmoid(x));
        }
    }

    /** @param s input @param d output @param n length: d = tanh(s) */
    public static void tanh(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i++) {
            d[i] = tanh(s[i]);
        }
    }

    /**
     * tanh through the exp intrinsic ({@code Math.tanh} is not one): (1 - e) / (1 + e) with
     * e = exp(-2|x|), in double, so the cancellation near 0 still leaves float precision;
     * below |x| = 2^-12 tanh(x) rounds to x in float.
     *
     * @param x argument
     * @return tanh(x)
     */
    public static float tanh(float x) {
        double a = Math.abs((double) x);
        if (a < 0x1p-12) {
            return x;
        }
        double e = Math.exp(-2 * a);
        return (float) Math.copySign((1 - e) / (1 + e), x);
    }

    /** @param s input @param d output @param n length: d = erf(s) */
    public static void erf(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i++) {
            d[i] = erf(s[i]);
        }
    }

    /** @param s input @param d output @param n length: d = 0.5 s (1 + erf(s / sqrt 2)) */
    public static void gelu(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i++) {
            double x = s[i];
            d[i] = (float) (0.5 * x * (1 + erf((float) (x * 0.7071067811865476))));
        }
    }

    /** @param s input @param d output @param n length: d = exp(s) */
    public static void exp(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i++) {
            d[i] = (float) Math.exp(s[i]);
        }
    }

    /** @param s input @param d output @param n length @param a alpha @param b beta: max(0, min(1, a s + b)) */
    public static void hardSigmoid(float[] s, float[] d, int n, float a, float b) {
        for (int i = 0; i < n; i++) {
            d[i] = Math.max(0f, Math.min(1f, a * s[i] + b));
        }
    }

    /** @param s input @param d output @param n length: d = s * max(0, min(1, s / 6 + 1/2)) */
    public static void hardSwish(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i++) {
            float x = s[i];
            d[i] = x * Math.max(0f, Math.min(1f, x / 6f + 0.5f));
        }
    }

    /** @param s input @param d output @param n length @param a slope below zero */
    public static void leakyRelu(float[] s, float[] d, int n, float a) {
        for (int i = 0; i < n; i++) {
            float x = s[i];
            d[i] = x < 0 ? a * x : x;
        }
    }

    /** @param s input @param d output @param n length: d = -s */
    public static void neg(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i++) {
            d[i] = -s[i];
        }
    }

    /** @param s input @param d output @param n length: d = |s| */
    public static void abs(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i++) {
            d[i] = Math.abs(s[i]);
        }
    }

    /** @param s input @param d output @param n length: d = sqrt(s) */
    public static void sqrt(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i++) {
            d[i] = (float) Math.sqrt(s[i]);
        }
    }

    /** @param s input @param d output @param n length: d = 1 / s */
    public static void reciprocal(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i++) {
            d[i] = 1f / s[i];
        }
    }
}
