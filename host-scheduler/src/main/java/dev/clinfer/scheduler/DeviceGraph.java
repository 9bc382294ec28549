package dev.clinfer.scheduler;

import dev.clinfer.api.DataType;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.opencl.ClBuildException;
import dev.clinfer.opencl.ClDevice;
import dev.clinfer.opencl.ClQueue;
import dev.clinfer.opencl.DeviceOp;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;
import dev.clinfer.opencl.ops.DeviceOps;
import dev.clinfer.passes.GraphScopes;
import dev.clinfer.passes.ShapeInference;
import dev.clinfer.spi.HostLane;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A graph prepared for one OpenCL device: each node placed once (on the device when a launcher
 * supports it, else on the Java CPU lane), each device node given a compute queue so that
 * independent branches run side by side, programs built and weights uploaded. Requests run as
 * {@link RequestRun}s, each on a {@link Slot} of this device.
 *
 * <p>Queue assignment: a node continues on the queue of its first device producer that has not
 * yet handed its queue to another consumer; the other consumers of a fork start on the next
 * queue. So a residual block's main path and shortcut, or an Inception block's branches, land on
 * different queues and meet again through event waits.
 */
final class DeviceGraph implements Target {
    private static final Logger LOG = Logger.getLogger(DeviceGraph.class.getName());

    final DeviceRuntime dev;
    final Graph graph;
    final HostLane host;
    final Recorder recorder;
    final Executor executor;
    final Node[] nodes;
    final DeviceOp[] ops;
    final int[] queueOf;
    final Map<String, Integer> lastUse;
    final Set<String> outputNames = new HashSet<>();
    /** Graph inputs that some device node reads: uploaded as soon as a request starts. */
    final List<Integer> deviceInputs = new ArrayList<>();
    final Map<String, DeviceTensor> weights = new HashMap<>();
    final boolean strict;
    /** Set when this target runs one stage of a pipeline (its runs are not whole requests). */
    volatile boolean stage;
    private final int computeQueues;
    private final ConcurrentLinkedDeque<Slot> idle = new ConcurrentLinkedDeque<>();
    private final List<Slot> all = new ArrayList<>();
    private final AtomicInteger slotIds = new AtomicInteger();

    DeviceGraph(DeviceRuntime dev, Graph graph, HostLane host, SessionOptions options, Recorder recorder,
                Executor executor) {
        this.dev = dev;
        this.graph = graph;
        this.host = host;
        this.recorder = recorder;
        this.executor = executor;
        this.strict = options.strict();
        this.computeQueues = options.computeQueues();
        this.nodes = graph.nodes().toArray(new Node[0]);
        this.ops = new DeviceOp[nodes.length];
        this.lastUse = lastUses(graph, nodes);
        graph.outputs().forEach(o -> outputNames.add(o.name()));
        boolean hostOnly = graph.nodes().stream().anyMatch(GraphScopes::hasSubgraph);
        DeviceOpContext.Static st = new DeviceOpContext.Static() {
            @Override
            public ClDevice device() {
                return dev.context.device();
            }

            @Override
            public Tensor constant(String valueName) {
                return graph.initializers().get(valueName);
            }
        };
        if (!hostOnly) {
            place(DeviceOps.defaultOps(), options, st);
        }
        prebuild(st);
        this.queueOf = assignQueues();
        for (int k = 0; k < graph.inputs().size(); k++) {
            String in = graph.inputs().get(k).name();
            for (int i = 0; i < nodes.length; i++) {
                if (ops[i] != null && nodes[i].inputs().contains(in)) {
                    deviceInputs.add(k);
                    break;
                }
            }
        }
        try {
            uploadWeights();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** @return value name to the index of the last node reading it (graph outputs: never dead) */
    static Map<String, Integer> lastUses(Graph graph, Node[] nodes) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < nodes.length; i++) {
            for (String in : GraphScopes.reads(nodes[i])) {
                m.put(in, i);
            }
        }
        for (ValueInfo o : graph.outputs()) {
            m.put(o.name(), Integer.MAX_VALUE);
        }
        return m;
    }

    private void place(DeviceOps registry, SessionOptions options, DeviceOpContext.Static st) {
        Map<String, ValueInfo> infos = ShapeInference.infer(graph);
        for (int i = 0; i < nodes.length; i++) {
            Node n = nodes[i];
            if (options.cpuOnlyOps().contains(n.opType()) || options.cpuOnlyOps().contains(fusedBase(n))) {
                continue;
            }
            DeviceOp op = registry.find(n.domain(), n.opType());
            if (op == null) {
                continue;
            }
            List<ValueInfo> ins = new ArrayList<>();
            for (String in : n.inputs()) {
                ValueInfo vi = in.isEmpty() ? null : infos.get(in);
                Tensor c = graph.initializers().get(in);
                if (vi == null && c != null) {
                    vi = ValueInfo.tensor(in, c.dataType(), Shape.of(c.shape()));
                }
                ins.add(vi);
            }
            if (op.supports(n, ins, st)) {
                ops[i] = op;
            }
        }
    }

    /**
     * Builds every program the placed nodes declare, in parallel, now rather than on the first
     * request. A build failure logs the compiler output and moves the nodes needing that program
     * to the Java CPU lane (an error in strict mode).
     */
    private void prebuild(DeviceOpContext.Static st) {
        Map<DeviceOp.ProgramRef, List<Integer>> users = new LinkedHashMap<>();
        for (int i = 0; i < nodes.length; i++) {
            if (ops[i] != null) {
                for (DeviceOp.ProgramRef p : ops[i].programs(nodes[i], st)) {
                    users.computeIfAbsent(p, k -> new ArrayList<>()).add(i);
                }
            }
        }
        Map<DeviceOp.ProgramRef, ClBuildException> failed = new java.util.concurrent.ConcurrentHashMap<>();
        users.keySet().parallelStream().forEach(p -> {
            try {
                dev.programs.get(p.file(), p.options());
            } catch (ClBuildException e) {
                failed.put(p, e);
            }
        });
        for (Map.Entry<DeviceOp.ProgramRef, ClBuildException> f : failed.entrySet()) {
            if (strict) {
                throw f.getValue();
            }
            LOG.warning("OpenCL build of " + f.getKey().file() + " (" + f.getKey().options()
                    + ") failed; its nodes run on the Java CPU lane:\n" + f.getValue().log());
            for (int i : users.get(f.getKey())) {
                ops[i] = null;
            }
        }
    }

    private int[] assignQueues() {
        int[] q = new int[nodes.length];
        java.util.Arrays.fill(q, -1);
        Map<String, Integer> producer = new HashMap<>();
        boolean[] handedOn = new boolean[nodes.length];
        int fresh = 0;
        for (int i = 0; i < nodes.length; i++) {
            if (ops[i] == null) {
                continue;
            }
            int first = -1;
            for (String in : nodes[i].inputs()) {
                Integer p = producer.get(in);
                if (p == null || ops[p] == null) {
                    continue;
                }
                if (first < 0) {
                    first = p;
                }
                if (!handedOn[p]) {
                    handedOn[p] = true;
                    q[i] = q[p];
                    break;
                }
            }
            if (q[i] < 0) {
                // a fork's second consumer starts a new branch on the next queue
                q[i] = first >= 0 ? (q[first] + 1) % computeQueues : fresh++ % computeQueues;
            }
            for (String out : nodes[i].outputs()) {
                producer.put(out, i);
            }
        }
        return q;
    }

    private void uploadWeights() {
        try (ClQueue q = dev.context.createQueue(false)) {
            for (int i = 0; i < nodes.length; i++) {
                if (ops[i] == null) {
                    continue;
                }
                for (String in : nodes[i].inputs()) {
                    Tensor c = in.isEmpty() ? null : graph.initializers().get(in);
                    if (c == null || weights.containsKey(in) || c.dataType() == DataType.STRING) {
                        continue;
                    }
                    DeviceTensor d = new DeviceTensor(dev.context.createBuffer(Math.max(1, c.byteSize())), c.dataType(),
                            c.shape());
                    weights.put(in, d);
                    if (c.byteSize() > 0) {
                        q.write(d.buffer(), 0, c.buffer().limit((int) c.byteSize()), true, List.of()).close();
                    }
                }
            }
            q.finish();
        }
    }

    /** A node whose program failed to build at run time moves to the Java CPU lane for good. */
    void moveToHost(int i, ClBuildException e) {
        LOG.warning(nodes[i] + ": OpenCL build failed, moving it to the Java CPU lane:\n" + e.log());
        ops[i] = null;
    }

    @Override
    public String lane() {
        return dev.lane;
    }

    @Override
    public CompletableFuture<Tensor[]> submit(Tensor[] inputs, boolean inline, long id) {
        Slot slot = borrowSlot();
        RequestRun r = new RequestRun(this, slot, id);
        if (inline) {
            r.start(inputs);
        } else {
            try {
                executor.execute(() -> r.start(inputs));
            } catch (RuntimeException e) {
                returnSlot(slot, true);
                throw e;
            }
        }
        return r.result;
    }

    private Slot borrowSlot() {
        Slot s = idle.pollFirst();
        if (s != null) {
            return s;
        }
        s = new Slot(slotIds.getAndIncrement(), dev.context, dev.programs, computeQueues);
        synchronized (all) {
            all.add(s);
        }
        return s;
    }

    void returnSlot(Slot s, boolean healthy) {
        if (healthy) {
            idle.addFirst(s);
            return;
        }
        synchronized (all) {
            all.remove(s);
        }
        s.close();
    }

    @Override
    public int queuedTransfers() {
        return dev.transfers.queued();
    }

    @Override
    public Map<String, String> placement() {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nodes.length; i++) {
            m.put(nodes[i].name(), ops[i] != null ? dev.lane : "java");
        }
        return m;
    }

    /** @return node name to compute queue index (device nodes only), for tests and traces */
    Map<String, Integer> queues() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < nodes.length; i++) {
            if (ops[i] != null) {
                m.put(nodes[i].name(), queueOf[i]);
            }
        }
        return m;
    }

    /** Frees the slots (queues, device memory, kernels) and the weights; requests must be over. */
    @Override
    public void close() {
        synchronized (all) {
            all.forEach(Slot::close);
            all.clear();
        }
        idle.clear();
        weights.values().forEach(d -> d.buffer().close());
        weights.clear();
    }

    /** A fused node answers to the op it was made from, so an op filter on "Conv" also keeps FusedConv off the device. */
    private static String fusedBase(dev.clinfer.ir.Node n) {
        if (!n.domain().equals("dev.clinfer") || !n.opType().startsWith("Fused")) {
            return n.opType();
        }
        return n.opType().startsWith("FusedConv") ? "Conv" : n.opType().substring(5);
    }
}
