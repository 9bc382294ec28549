package dev.clinfer.conformance;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;

import java.util.Arrays;

/**
 * numpy {@code assert_allclose} semantics: {@code |a - e| <= atol + rtol * |e|} elementwise, NaN
 * equal to NaN, infinities equal when their signs match; integer and bool tensors exactly.
 * Sequences and optionals match when they hold as many items and the items match one by one.
 *
 * @param rtol relative tolerance
 * @param atol absolute tolerance
 */
public record Tolerance(double rtol, double atol) {
    /**
     * @param actual   computed tensor
     * @param expected reference tensor
     * @return null when they match, else a one-line description of the first mismatch
     */
    public String compare(Tensor actual, Tensor expected) {
        if (actual.isContainer() || expected.isContainer()) {
            return compareContainers(actual, expected);
        }
        if (!Arrays.equals(actual.shape(), expected.shape())) {
            return "shape " + Arrays.toString(actual.shape()) + " != expected " + Arrays.toString(expected.shape());
        }
        if (actual.dataType() != expected.dataType()) {
            return "dtype " + actual.dataType() + " != expected " + expected.dataType();
        }
        int n = actual.numel();
        if (expected.dataType() == DataType.STRING) {
            return Arrays.equals(actual.strings(), expected.strings()) ? null : "string values differ";
        }
        boolean exact = !expected.dataType().isFloatingPoint();
        int bad = 0;
        int firstBad = -1;
        double worst = 0;
        for (int i = 0; i < n; i++) {
            boolean ok;
            if (exact) {
                ok = actual.getLong(i) == expected.getLong(i);
            } else {
                double a = actual.getDouble(i);
                double e = expected.getDouble(i);
                if (Double.isNaN(e) || Double.isNaN(a)) {
                    ok = Double.isNaN(e) && Double.isNaN(a);
                } else if (Double.isInfinite(e) || Double.isInfinite(a)) {
                    ok = a == e;
                } else {
                    double diff = Math.abs(a - e);
                    ok = diff <= atol + rtol * Math.abs(e);
                    worst = Math.max(worst, diff);
                }
            }
            if (!ok) {
                bad++;
                if (firstBad < 0) {
                    firstBad = i;
                }
            }
        }
        if (bad == 0) {
            return null;
        }
        String a = exact ? Long.toString(actual.getLong(firstBad)) : Double.toString(actual.getDouble(firstBad));
        String e = exact ? Long.toString(expected.getLong(firstBad)) : Double.toString(expected.getDouble(firstBad));
        return bad + " of " + n + " elements differ (first at flat index " + firstBad + ": " + a + " vs expected " + e
                + (exact ? "" : String.format("; max abs diff %.3g, rtol %.1g atol %.1g", worst, rtol, atol)) + ")";
    }

    private String compareContainers(Tensor actual, Tensor expected) {
        if (actual.dataType() != expected.dataType()) {
            return "kind " + actual + " != expected " + expected;
        }
        DataType ae = actual.elementType();
        DataType ee = expected.elementType();
        if (ae != null && ee != null && ae != ee) {
            return actual.dataType() + " of " + ae + " != expected " + actual.dataType() + " of " + ee;
        }
        int n = actual.items().size();
        int m = expected.items().size();
        if (n != m) {
            return expected.dataType() == DataType.OPTIONAL
                    ? (n == 0 ? "optional is none, expected a value" : "optional holds a value, expected none")
                    : "sequence has " + n + " items, expected " + m;
        }
        for (int i = 0; i < n; i++) {
            String err = compare(actual.items().get(i), expected.items().get(i));
            if (err != null) {
                return (expected.dataType() == DataType.OPTIONAL ? "optional value: " : "item " + i + ": ") + err;
            }
        }
        return null;
    }
}
