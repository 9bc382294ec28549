package dev.clinfer.scheduler;

import dev.clinfer.api.ClinferException;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.passes.GraphScopes;
import dev.clinfer.passes.ShapeInference;
import dev.clinfer.spi.InFlightLimiter;
import dev.clinfer.spi.LayerProfile;
import dev.clinfer.spi.PreparedGraph;
import dev.clinfer.spi.SessionStats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Model parallel: the layers are cut into one stage per device, and each request streams
 * through the stages (request N runs stage 2 on device B while request N+1 runs stage 1 on
 * device A). The cut is balanced by measured per-layer cost: the first request runs whole on
 * the first device, its per-node times (OpenCL profiling events and CPU timers) give the cost of
 * every node, and the stages are cut where the running sum crosses k/S of the total. Values cross
 * stages through the host (downloaded by one device's transfer threads, uploaded by the next's).
 */
final class PipelineGraph implements PreparedGraph {
    private final Graph graph;
    private final List<Target> whole;
    private final BiFunction<Integer, Graph, Target> stageMaker;
    private final SessionOptions options;
    private final Recorder recorder;
    private final Executor executor;
    private final long timeoutNanos;
    private volatile Stages stages;
    private final int lanes;
    private final InFlightLimiter calibration;
    private final java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong();

    /** The stages once cut: subgraph targets, their inputs and outputs, and a limiter per stage. */
    private record Stages(List<Target> targets, List<List<String>> inputs, List<List<String>> outputs,
                          InFlightLimiter limiter, int[] cuts) {
    }

    /**
     * @param graph      the whole graph
     * @param whole      the whole-graph target that runs (and times) the first request
     * @param stageMaker makes the target of stage {@code s} (on device {@code s}) for a subgraph
     * @param lanes      devices, one stage each
     */
    PipelineGraph(Graph graph, List<Target> whole, BiFunction<Integer, Graph, Target> stageMaker, int lanes,
                  SessionOptions options, Recorder recorder, Executor executor) {
        this.lanes = lanes;
        this.graph = graph;
        this.whole = whole;
        this.stageMaker = stageMaker;
        this.options = options;
        this.recorder = recorder;
        this.executor = executor;
        this.timeoutNanos = options.acquireTimeout() == null ? 0 : options.acquireTimeout().toNanos();
        this.calibration = new InFlightLimiter(List.of(whole.get(0).lane()), options.maxInFlight());
    }

    @Override
    public Tensor[] run(Tensor[] inputs) {
        return ScheduledGraph.join(runAsync(inputs));
    }

    @Override
    public CompletableFuture<Tensor[]> runAsync(Tensor[] inputs) {
        Stages st = stages;
        if (st == null) {
            synchronized (this) {
                st = stages;
                if (st == null) {
                    int t = calibration.acquire(timeoutNanos);
                    try {
                        Tensor[] out = ScheduledGraph.join(whole.get(0).submit(inputs, true, 0));
                        stages = cut();
                        return CompletableFuture.completedFuture(out);
                    } finally {
                        calibration.release(t);
                    }
                }
            }
        }
        Map<String, Tensor> values = new HashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            values.put(graph.inputs().get(i).name(), inputs[i]);
        }
        long id = ids.incrementAndGet();
        CompletableFuture<Tensor[]> f = stage(st, 0, values, id).thenApply(v -> {
            Tensor[] out = new Tensor[graph.outputs().size()];
            for (int i = 0; i < out.length; i++) {
                String name = graph.outputs().get(i).name();
                out[i] = v.containsKey(name) ? v.get(name) : graph.initializers().get(name);
            }
            return out;
        });
        return f.whenComplete((r, e) -> recorder.pipelined(e == null));
    }

    private CompletableFuture<Map<String, Tensor>> stage(Stages st, int s, Map<String, Tensor> values, long id) {
        if (s == st.targets().size()) {
            return CompletableFuture.completedFuture(values);
        }
        List<String> ins = st.inputs().get(s);
        Tensor[] in = new Tensor[ins.size()];
        for (int i = 0; i < in.length; i++) {
            in[i] = values.get(ins.get(i));
        }
        int slot = st.limiter().acquire(timeoutNanos, s);
        CompletableFuture<Tensor[]> f;
        try {
            f = st.targets().get(s).submit(in, false, id);
        } catch (RuntimeException | Error e) {
            st.limiter().release(slot);
            throw e;
        }
        return f.whenComplete((r, e) -> st.limiter().release(slot)).thenComposeAsync(out -> {
            List<String> outs = st.outputs().get(s);
            for (int i = 0; i < out.length; i++) {
                values.put(outs.get(i), out[i]);
            }
            return stage(st, s + 1, values, id);
        }, executor);
    }

    /** Cuts the graph into stages of about equal measured cost. */
    private Stages cut() {
        Node[] nodes = graph.nodes().toArray(new Node[0]);
        Map<String, Long> byNode = new HashMap<>();
        for (LayerProfile p : recorder.profile()) {
            if (!p.op().equals("Upload") && !p.op().equals("Download")) {
                byNode.merge(p.node(), p.totalNanos() / Math.max(1, p.calls()), Long::sum);
            }
        }
        int n = lanes;
        long[] cost = new long[nodes.length];
        long total = 0;
        for (int i = 0; i < nodes.length; i++) {
            cost[i] = byNode.getOrDefault(nodes[i].name(), 0L) + 1;
            total += cost[i];
        }
        int stagesWanted = Math.min(n, nodes.length);
        int[] cuts = new int[stagesWanted + 1];
        cuts[stagesWanted] = nodes.length;
        long run = 0;
        int k = 1;
        for (int i = 0; i < nodes.length && k < stagesWanted; i++) {
            run += cost[i];
            if (run * stagesWanted >= total * k && i + 1 < nodes.length) {
                cuts[k] = Math.max(i + 1, cuts[k - 1] + 1);
                k++;
            }
        }
        for (; k < stagesWanted; k++) {
            cuts[k] = Math.min(nodes.length - (stagesWanted - k), cuts[k - 1] + 1);
        }
        Map<String, ValueInfo> infos = ShapeInference.infer(graph);
        Set<String> graphOutputs = new HashSet<>();
        graph.outputs().forEach(o -> graphOutputs.add(o.name()));
        List<Target> targets = new ArrayList<>();
        List<List<String>> inputs = new ArrayList<>();
        List<List<String>> outputs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try {
            for (int s = 0; s < stagesWanted; s++) {
                Set<String> produced = new LinkedHashSet<>();
                Set<String> needed = new LinkedHashSet<>();
                List<Node> part = new ArrayList<>();
                for (int i = cuts[s]; i < cuts[s + 1]; i++) {
                    part.add(nodes[i]);
                    for (String r : GraphScopes.reads(nodes[i])) {
                        if (!produced.contains(r) && !graph.initializers().containsKey(r)) {
                            needed.add(r);
                        }
                    }
                    produced.addAll(nodes[i].outputs());
                }
                Set<String> later = new HashSet<>(graphOutputs);
                for (int i = cuts[s + 1]; i < nodes.length; i++) {
                    later.addAll(GraphScopes.reads(nodes[i]));
                }
                List<String> outs = new ArrayList<>();
                for (String p : produced) {
                    if (!p.isEmpty() && later.contains(p)) {
                        outs.add(p);
                    }
                }
                List<String> ins = new ArrayList<>(needed);
                Graph sub = new Graph(graph.name() + "/stage" + s, part, infos(ins, infos), infos(outs, infos),
                        graph.initializers(), graph.valueInfos());
                Target t = stageMaker.apply(s, sub);
                targets.add(t);
                names.add(t.lane());
                inputs.add(ins);
                outputs.add(outs);
            }
        } catch (RuntimeException | Error e) {
            targets.forEach(Target::close);
            throw e;
        }
        java.util.logging.Logger.getLogger(PipelineGraph.class.getName()).info("pipeline stages cut before nodes "
                + java.util.Arrays.toString(java.util.Arrays.copyOfRange(cuts, 1, stagesWanted)) + " of " + nodes.length
                + " on " + names);
        return new Stages(targets, inputs, outputs, new InFlightLimiter(names, options.maxInFlight()), cuts);
    }

    private static List<ValueInfo> infos(List<String> names, Map<String, ValueInfo> infos) {
        List<ValueInfo> l = new ArrayList<>();
        for (String n : names) {
            ValueInfo v = infos.get(n);
            l.add(v != null ? v : ValueInfo.tensor(n, null, Shape.unknownRank()));
        }
        return l;
    }

    /** @return stage boundaries (node indices), or null before the first request */
    int[] cuts() {
        Stages st = stages;
        return st == null ? null : st.cuts().clone();
    }

    @Override
    public Map<String, String> placement() {
        Stages st = stages;
        if (st == null) {
            return whole.get(0).placement();
        }
        Map<String, String> m = new LinkedHashMap<>();
        st.targets().forEach(t -> m.putAll(t.placement()));
        return m;
    }

    @Override
    public SessionStats stats() {
        Stages st = stages;
        long queued = 0;
        for (Target t : whole) {
            queued += t.queuedTransfers();
        }
        return recorder.snapshot(calibration.inFlight() + (st == null ? 0 : st.limiter().inFlight()),
                calibration.waiting() + (st == null ? 0 : st.limiter().waiting()), queued);
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

    @Override
    public void close() {
        calibration.close();
        Stages st;
        synchronized (this) {
            st = stages;
        }
        long limit = TimeUnit.MINUTES.toNanos(1);
        calibration.awaitIdle(limit);
        if (st != null) {
            st.limiter().close();
            st.limiter().awaitIdle(limit);
            st.targets().forEach(Target::close);
        }
        whole.forEach(Target::close);
    }
}
