package dev.clinfer.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Compares clinfer's outputs with ONNX Runtime's: {@code |a - e| <= atol + rtol * |e|} element-wise
 * (numpy {@code assert_allclose}), rtol 1e-3 and atol 1e-4 as in the zoo README.
 */
public final class OutputCheck {
    /** Relative tolerance. */
    public static final double RTOL = 1e-3;
    /** Absolute tolerance. */
    public static final double ATOL = 1e-4;

    private OutputCheck() {
    }

    /**
     * @param ok       every output matched
     * @param maxAbs   largest |a - e| over all outputs
     * @param problems one line per mismatching output (shape, count, worst element)
     */
    public record Verdict(boolean ok, double maxAbs, List<String> problems) {
        /** @return "ok" or "MISMATCH" */
        public String word() {
            return ok ? "ok" : "MISMATCH";
        }
    }

    /**
     * @param actual   clinfer's outputs
     * @param expected ONNX Runtime's outputs
     * @return the verdict
     */
    public static Verdict compare(Map<String, BenchEngine.Output> actual, Map<String, BenchEngine.Output> expected) {
        List<String> problems = new ArrayList<>();
        double maxAbs = 0;
        for (Map.Entry<String, BenchEngine.Output> e : expected.entrySet()) {
            BenchEngine.Output a = actual.get(e.getKey());
            BenchEngine.Output x = e.getValue();
            if (a == null) {
                problems.add("output '" + e.getKey() + "' missing; clinfer gave " + actual.keySet());
                continue;
            }
            if (!Arrays.equals(a.shape(), x.shape())) {
                problems.add("output '" + e.getKey() + "': shape " + Arrays.toString(a.shape()) + ", ORT "
                        + Arrays.toString(x.shape()));
                continue;
            }
            int bad = 0;
            int worst = -1;
            double worstExcess = 0;
            for (int i = 0; i < x.values().length; i++) {
                double av = a.values()[i];
                double ev = x.values()[i];
                double d = Math.abs(av - ev);
                if (Double.isNaN(d) && !(Double.isNaN(av) && Double.isNaN(ev))) {
                    d = Double.POSITIVE_INFINITY;
                } else if (Double.isNaN(d)) {
                    d = 0;
                }
                maxAbs = Math.max(maxAbs, d);
                double excess = d - (ATOL + RTOL * Math.abs(ev));
                if (excess > 0) {
                    bad++;
                    if (worst < 0 || excess > worstExcess) {
                        worst = i;
                        worstExcess = excess;
                    }
                }
            }
            if (bad > 0) {
                problems.add(String.format("output '%s' %s: %d of %d elements outside rtol %.0e atol %.0e; worst"
                                + " at flat index %d: clinfer %.6g, ORT %.6g", e.getKey(),
                        Arrays.toString(x.shape()), bad, x.values().length, RTOL, ATOL, worst,
                        a.values()[worst], x.values()[worst]));
            }
        }
        return new Verdict(problems.isEmpty(), maxAbs, problems);
    }
}
