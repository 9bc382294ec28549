package dev.clinfer.ops;

/**
 * A one-dimensional complex discrete Fourier transform of any length, in float64: radix-2 FFT
 * for powers of two, the direct sum with an exact twiddle table otherwise.
 */
final class SignalDft {
    private final int n;
    private final double[] cos;
    private final double[] sin;

    /** @param n transform length, at least 1 */
    SignalDft(int n) {
        this.n = n;
        cos = new double[n];
        sin = new double[n];
        for (int k = 0; k < n; k++) {
            // Angles reduced to [0, 2pi) by integer index, so large j*k products stay exact.
            double a = 2 * Math.PI * k / n;
            cos[k] = Math.cos(a);
            sin[k] = Math.sin(a);
        }
    }

    /** @return the transform length */
    int length() {
        return n;
    }

    /**
     * Transforms {@code (re, im)} of length n. Forward uses {@code exp(-2 pi i jk / n)}; the
     * inverse uses {@code exp(+2 pi i jk / n)} and divides by n.
     *
     * @param re      real parts, in and out
     * @param im      imaginary parts, in and out
     * @param inverse direction
     */
    void transform(double[] re, double[] im, boolean inverse) {
        if (n > 1 && (n & (n - 1)) == 0) {
            fft(re, im, inverse);
        } else {
            direct(re, im, inverse);
        }
        if (inverse) {
            for (int k = 0; k < n; k++) {
                re[k] /= n;
                im[k] /= n;
            }
        }
    }

    private void direct(double[] re, double[] im, boolean inverse) {
        double sign = inverse ? 1 : -1;
        double[] or = new double[n];
        double[] oi = new double[n];
        for (int k = 0; k < n; k++) {
            double sr = 0;
            double si = 0;
            for (int j = 0; j < n; j++) {
                int t = (int) ((long) j * k % n);
                double c = cos[t];
                double s = sign * sin[t];
                sr += re[j] * c - im[j] * s;
                si += re[j] * s + im[j] * c;
            }
            or[k] = sr;
            oi[k] = si;
        }
        System.arraycopy(or, 0, re, 0, n);
        System.arraycopy(oi, 0, im, 0, n);
    }

    private void fft(double[] re, double[] im, boolean inverse) {
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        double sign = inverse ? 1 : -1;
        for (int len = 2; len <= n; len <<= 1) {
            int step = n / len;
            int half = len >> 1;
            for (int i = 0; i < n; i += len) {
                for (int k = 0; k < half; k++) {
                    double c = cos[k * step];
                    double s = sign * sin[k * step];
                    int a = i + k;
                    int b = a + half;
                    double xr = re[b] * c - im[b] * s;
                    double xi = re[b] * s + im[b] * c;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
            }
        }
    }
}
