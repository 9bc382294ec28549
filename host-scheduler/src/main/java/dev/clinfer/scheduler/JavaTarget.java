package dev.clinfer.scheduler;

import dev.clinfer.api.ExecutionException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;
import dev.clinfer.passes.GraphScopes;
import dev.clinfer.spi.HostLane;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The Java CPU lane as one more device beside OpenCL ones (device lists such as
 * {@code 0:0,java}): a request runs node by node on a dispatch thread, each kernel spread over
 * the session's compute pool, each node timed for the profile.
 */
final class JavaTarget implements Target {
    private final Graph graph;
    private final HostLane host;
    private final Recorder recorder;
    private final Executor executor;
    private final Node[] nodes;
    private final Map<String, Integer> lastUse;
    /** Set when this target runs one stage of a pipeline (its runs are not whole requests). */
    volatile boolean stage;

    JavaTarget(Graph graph, HostLane host, Recorder recorder, Executor executor) {
        this.graph = graph;
        this.host = host;
        this.recorder = recorder;
        this.executor = executor;
        this.nodes = graph.nodes().toArray(new Node[0]);
        this.lastUse = DeviceGraph.lastUses(graph, nodes);
    }

    @Override
    public String lane() {
        return "java";
    }

    @Override
    public CompletableFuture<Tensor[]> submit(Tensor[] inputs, boolean inline, long id) {
        if (inline) {
            CompletableFuture<Tensor[]> f = new CompletableFuture<>();
            try {
                f.complete(run(inputs, id));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
            return f;
        }
        return CompletableFuture.supplyAsync(() -> run(inputs, id), executor);
    }

    private Tensor[] run(Tensor[] inputs, long id) {
        long start = System.nanoTime();
        boolean ok = false;
        try {
            Map<String, Tensor> vals = new HashMap<>();
            for (int i = 0; i < inputs.length; i++) {
                vals.put(graph.inputs().get(i).name(), inputs[i]);
            }
            String thread = Thread.currentThread().getName();
            for (int i = 0; i < nodes.length; i++) {
                Node n = nodes[i];
                Tensor[] in = new Tensor[n.inputs().size()];
                for (int k = 0; k < in.length; k++) {
                    String name = n.inputs().get(k);
                    in[k] = name.isEmpty() ? null : value(vals, name);
                }
                long t0 = System.nanoTime();
                Tensor[] out = host.runNode(n, in);
                recorder.cpu(n, thread, t0, System.nanoTime());
                for (int k = 0; k < n.outputs().size() && k < out.length; k++) {
                    if (!n.outputs().get(k).isEmpty() && out[k] != null) {
                        vals.put(n.outputs().get(k), out[k]);
                    }
                }
                for (String v : GraphScopes.reads(n)) {
                    drop(vals, v, i);
                }
                for (String v : n.outputs()) {
                    drop(vals, v, i);
                }
            }
            Tensor[] out = new Tensor[graph.outputs().size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = value(vals, graph.outputs().get(i).name());
            }
            ok = true;
            return out;
        } finally {
            recorder.request(lane(), stage, ok, start, System.nanoTime(), id);
        }
    }

    private Tensor value(Map<String, Tensor> vals, String name) {
        Tensor t = vals.get(name);
        if (t == null) {
            t = graph.initializers().get(name);
        }
        if (t == null) {
            throw new ExecutionException("value '" + name + "' is not available");
        }
        return t;
    }

    private void drop(Map<String, Tensor> vals, String v, int step) {
        Integer last = lastUse.get(v);
        if (last == null || last <= step) {
            vals.remove(v);
        }
    }

    @Override
    public Map<String, String> placement() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Node n : nodes) {
            m.put(n.name(), "java");
        }
        return m;
    }

    @Override
    public void close() {
    }
}
