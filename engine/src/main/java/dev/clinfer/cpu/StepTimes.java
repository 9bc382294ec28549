package dev.clinfer.cpu;

import dev.clinfer.spi.LayerProfile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wall time per node of one {@link ExecutionPlan} on the Java path, summed over the runs of a
 * session (two clock reads per node, a few microseconds per run). Safe for concurrent runs.
 */
public final class StepTimes {
    private final ExecutionPlan plan;
    private final LongAdder[] nanos;
    private final LongAdder[] calls;

    /** @param plan the plan whose top-level steps are timed */
    public StepTimes(ExecutionPlan plan) {
        this.plan = plan;
        this.nanos = new LongAdder[plan.steps.length];
        this.calls = new LongAdder[plan.steps.length];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = new LongAdder();
            calls[i] = new LongAdder();
        }
    }

    void add(int step, long elapsed) {
        nanos[step].add(elapsed);
        calls[step].increment();
    }

    /** Zeroes every counter. */
    public void reset() {
        for (int i = 0; i < nanos.length; i++) {
            nanos[i].reset();
            calls[i].reset();
        }
    }

    /** @return one row per node that ran, largest time first, lane {@code java}, queue {@code host} */
    public List<LayerProfile> profile() {
        long sum = 0;
        long[] n = new long[nanos.length];
        for (int i = 0; i < n.length; i++) {
            n[i] = nanos[i].sum();
            sum += n[i];
        }
        List<LayerProfile> out = new ArrayList<>();
        for (int i = 0; i < n.length; i++) {
            long c = calls[i].sum();
            if (c > 0) {
                ExecutionPlan.Step s = plan.steps[i];
                out.add(new LayerProfile(s.node.name(), s.node.opType(), "java", "host", c, n[i],
                        sum == 0 ? 0 : 100.0 * n[i] / sum));
            }
        }
        out.sort(Comparator.comparingLong(LayerProfile::totalNanos).reversed());
        return out;
    }
}
