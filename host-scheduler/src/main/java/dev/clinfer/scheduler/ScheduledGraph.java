package dev.clinfer.scheduler;

import dev.clinfer.api.ClinferException;
import dev.clinfer.api.ExecutionException;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Graph;
import dev.clinfer.spi.InFlightLimiter;
import dev.clinfer.spi.LayerProfile;
import dev.clinfer.spi.PreparedGraph;
import dev.clinfer.spi.SessionStats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * A graph prepared on one or more devices (OpenCL devices, optionally the Java CPU lane), serving
 * requests data-parallel: each request takes an in-flight slot on the least-loaded device (at
 * most {@code maxInFlight} per device; callers past the bound wait), and a batch large enough can
 * be split into one part per device. No lock is held while a request runs.
 */
final class ScheduledGraph implements PreparedGraph {
    private static final Logger LOG = Logger.getLogger(ScheduledGraph.class.getName());

    private final Graph graph;
    private final List<Target> targets;
    private final InFlightLimiter limiter;
    private final Recorder recorder;
    private final long timeoutNanos;
    private final int splitBatch;
    private final AtomicLong ids = new AtomicLong();

    ScheduledGraph(Graph graph, List<Target> targets, SessionOptions options, Recorder recorder) {
        this.graph = graph;
        this.targets = List.copyOf(targets);
        List<String> names = new ArrayList<>();
        targets.forEach(t -> names.add(t.lane()));
        this.limiter = new InFlightLimiter(names, options.maxInFlight());
        this.recorder = recorder;
        this.timeoutNanos = options.acquireTimeout() == null ? 0 : options.acquireTimeout().toNanos();
        this.splitBatch = targets.size() > 1 && BatchSplit.splittable(graph) ? options.splitBatch() : 0;
    }

    @Override
    public Tensor[] run(Tensor[] inputs) {
        return join(start(inputs, true));
    }

    @Override
    public CompletableFuture<Tensor[]> runAsync(Tensor[] inputs) {
        return start(inputs, false);
    }

    static Tensor[] join(CompletableFuture<Tensor[]> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new ExecutionException(String.valueOf(c), c);
        }
    }

    private CompletableFuture<Tensor[]> start(Tensor[] inputs, boolean inline) {
        if (splitBatch > 0) {
            int b = BatchSplit.batch(inputs);
            if (b >= splitBatch) {
                return split(inputs, b);
            }
        }
        return startOn(inputs, inline, -1);
    }

    private CompletableFuture<Tensor[]> startOn(Tensor[] inputs, boolean inline, int only) {
        int t = limiter.acquire(timeoutNanos, only);
        CompletableFuture<Tensor[]> f;
        try {
            f = targets.get(t).submit(inputs, inline, ids.incrementAndGet());
        } catch (RuntimeException | Error e) {
            limiter.release(t);
            throw e;
        }
        return f.whenComplete((r, e) -> limiter.release(t));
    }

    private CompletableFuture<Tensor[]> split(Tensor[] inputs, int batch) {
        int parts = Math.min(batch, targets.size());
        List<CompletableFuture<Tensor[]>> fs = new ArrayList<>();
        int from = 0;
        for (int p = 0; p < parts; p++) {
            int to = (int) ((long) batch * (p + 1) / parts);
            fs.add(startOn(BatchSplit.slice(inputs, from, to), false, -1));
            from = to;
        }
        return CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).thenApply(x -> {
            List<Tensor[]> outs = new ArrayList<>();
            fs.forEach(f -> outs.add(f.join()));
            return BatchSplit.concat(graph, outs);
        });
    }

    @Override
    public Map<String, String> placement() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Target t : targets) {
            t.placement().forEach((node, lane) -> m.merge(node, lane,
                    (a, b) -> a.equals(b) || List.of(a.split(",")).contains(b) ? a : a + "," + b));
        }
        return m;
    }

    @Override
    public SessionStats stats() {
        long queued = 0;
        for (Target t : targets) {
            queued += t.queuedTransfers();
        }
        return recorder.snapshot(limiter.inFlight(), limiter.waiting(), queued);
    }

    @Override
    public List<LayerProfile> profile() {
        return recorder.profile();
    }

    @Override
    public void resetStats() {
        recorder.reset();
    }

    @Override
    public void writeTrace(Path file) throws IOException {
        try {
            recorder.writeTrace(file);
        } catch (IllegalStateException e) {
            throw new ClinferException(e.getMessage());
        }
    }

    List<Target> targets() {
        return targets;
    }

    @Override
    public void close() {
        limiter.close();
        if (!limiter.awaitIdle(TimeUnit.MINUTES.toNanos(1))) {
            LOG.warning("closing with " + limiter.inFlight() + " requests still in flight after a minute");
        }
        for (Target t : targets) {
            t.close();
        }
    }
}
