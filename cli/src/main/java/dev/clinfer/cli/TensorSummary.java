package dev.clinfer.cli;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** One-line summaries of output tensors for {@code clinfer run}. */
final class TensorSummary {
    private static final int TOP = 5;

    private TensorSummary() {
    }

    /** @return e.g. {@code float32 [1, 1000]} */
    static String typeAndShape(Tensor t) {
        return t.dataType() + " " + Arrays.toString(t.shape());
    }

    /**
     * @param t a tensor
     * @return top-5 ({@code index: value}) for a {@code [K]} or {@code [1, K]} vector, else
     *         min, max and mean (NaNs counted apart)
     */
    static String summary(Tensor t) {
        int n = t.numel();
        if (n == 0) {
            return "empty";
        }
        if (t.dataType() == DataType.STRING) {
            String[] s = t.strings();
            List<String> first = new ArrayList<>();
            for (int i = 0; i < Math.min(TOP, s.length); i++) {
                first.add('"' + s[i] + '"');
            }
            return "values: " + String.join(", ", first) + (s.length > TOP ? ", ..." : "");
        }
        long[] shape = t.shape();
        if (shape.length == 0) {
            return "value: " + format(t, 0);
        }
        boolean vector = shape.length == 1 || (shape.length == 2 && shape[0] == 1);
        return vector && t.dataType() != DataType.BOOL ? top(t, n) : stats(t, n);
    }

    private static String top(Tensor t, int n) {
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        // Largest first; NaN last (Double.compare puts NaN above +Inf, so flip it by hand).
        Arrays.sort(idx, (a, b) -> {
            double x = t.getDouble(a);
            double y = t.getDouble(b);
            if (Double.isNaN(x) || Double.isNaN(y)) {
                return Boolean.compare(Double.isNaN(x), Double.isNaN(y));
            }
            return Double.compare(y, x);
        });
        int k = Math.min(TOP, n);
        StringBuilder b = new StringBuilder("top-" + k + ": ");
        for (int i = 0; i < k; i++) {
            b.append(i > 0 ? ", " : "").append(idx[i]).append(": ").append(format(t, idx[i]));
        }
        return b.toString();
    }

    private static String stats(Tensor t, int n) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        int nan = 0;
        for (int i = 0; i < n; i++) {
            double v = t.getDouble(i);
            if (Double.isNaN(v)) {
                nan++;
                continue;
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        if (nan == n) {
            return "all " + n + " values NaN";
        }
        boolean integral = !t.dataType().isFloatingPoint();
        return "min " + num(min, integral) + "  max " + num(max, integral) + "  mean " + num(sum / (n - nan), false)
                + (nan > 0 ? "  (" + nan + " NaN)" : "");
    }

    private static String format(Tensor t, int i) {
        return t.dataType().isFloatingPoint() ? num(t.getDouble(i), false)
                : t.dataType() == DataType.UINT64 && t.getLong(i) < 0 ? Long.toUnsignedString(t.getLong(i))
                : Long.toString(t.getLong(i));
    }

    private static String num(double v, boolean integral) {
        if (integral) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
