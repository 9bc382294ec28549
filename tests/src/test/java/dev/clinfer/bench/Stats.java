package dev.clinfer.bench;

import java.util.Arrays;

/** Order statistics of latency samples. */
public final class Stats {
    private Stats() {
    }

    /**
     * Nearest-rank percentile (the median of an even count is the mean of the middle two).
     *
     * @param samples values (not modified)
     * @param p       percentile in (0, 100]
     * @return the percentile, NaN for no samples
     */
    public static double percentile(double[] samples, double p) {
        if (samples.length == 0) {
            return Double.NaN;
        }
        double[] s = samples.clone();
        Arrays.sort(s);
        if (p == 50 && s.length % 2 == 0) {
            return (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        }
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }

    /** @param samples values @return the median */
    public static double median(double[] samples) {
        return percentile(samples, 50);
    }
}
