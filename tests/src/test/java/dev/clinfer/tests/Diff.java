package dev.clinfer.tests;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;

import java.util.Arrays;

/**
 * Error figures between a computed tensor and its reference, for reports: the largest absolute
 * difference and the relative L2 error {@code ||a - e|| / ||e||}.
 *
 * @param maxAbs largest |a - e| (NaN when shapes differ or a NaN appears where the reference has none)
 * @param relL2  ||a - e||_2 / ||e||_2 (NaN when undefined; infinite when e is all zeros but a is not)
 */
public record Diff(double maxAbs, double relL2) {
    /**
     * @param actual   computed
     * @param expected reference
     * @return the figures
     */
    public static Diff of(Tensor actual, Tensor expected) {
        if (!Arrays.equals(actual.shape(), expected.shape()) || expected.dataType() == DataType.STRING
                || actual.dataType() == DataType.STRING) {
            return new Diff(Double.NaN, Double.NaN);
        }
        int n = expected.numel();
        double max = 0;
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            double a = actual.getDouble(i);
            double e = expected.getDouble(i);
            if (Double.isNaN(a) && Double.isNaN(e)) {
                continue;
            }
            double d = Math.abs(a - e);
            if (Double.isNaN(d)) {
                max = Double.NaN;
            } else if (!Double.isNaN(max)) {
                max = Math.max(max, d);
            }
            num += d * d;
            den += e * e;
        }
        double rel = den == 0 ? (num == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(num / den);
        return new Diff(max, rel);
    }

    @Override
    public String toString() {
        return String.format("max abs diff %.3g, rel L2 %.3g", maxAbs, relL2);
    }
}
