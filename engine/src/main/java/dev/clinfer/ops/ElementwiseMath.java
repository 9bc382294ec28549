package dev.clinfer.ops;

/** Scalar math the JDK lacks: erf, and the inverse hyperbolic functions. */
public final class ElementwiseMath {
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);
    private static final double ONE_OVER_SQRT_PI = 1.0 / Math.sqrt(Math.PI);

    private ElementwiseMath() {
    }

    /**
     * The error function, accurate to about 1e-14 absolute: its Maclaurin series below |x| = 2.5,
     * above it 1 - erfc(x) with erfc from its continued fraction (which converges fast there).
     *
     * @param x argument
     * @return erf(x)
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax > 6) {
            return Math.copySign(1.0, x);
        }
        if (ax < 2.5) {
            // erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
            double x2 = x * x;
            double term = x;
            double sum = x;
            for (int n = 1; n < 100; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            return TWO_OVER_SQRT_PI * sum;
        }
        // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated bottom-up.
        double f = ax;
        for (int k = 60; k >= 1; k--) {
            f = ax + (k / 2.0) / f;
        }
        double erfc = Math.exp(-ax * ax) * ONE_OVER_SQRT_PI / f;
        return Math.copySign(1.0 - erfc, x);
    }

    /** @param x argument @return asinh(x), accurate near zero and for large |x| */
    public static double asinh(double x) {
        double a = Math.abs(x);
        double r = a > 1e8 ? Math.log(a) + Math.log(2) : Math.log1p(a + a * a / (1 + Math.sqrt(1 + a * a)));
        return Math.copySign(r, x);
    }

    /** @param x argument, at least 1 @return acosh(x) (NaN below 1) */
    public static double acosh(double x) {
        if (x < 1) {
            return Double.NaN;
        }
        return x > 1e8 ? Math.log(x) + Math.log(2) : Math.log(x + Math.sqrt(x * x - 1));
    }

    /** @param x argument in (-1, 1) @return atanh(x) */
    public static double atanh(double x) {
        return 0.5 * Math.log1p(2 * x / (1 - x));
    }
}
