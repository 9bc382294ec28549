package dev.clinfer.scheduler;

import dev.clinfer.api.ClinferException;
import dev.clinfer.api.DataType;
import dev.clinfer.api.DeviceException;
import dev.clinfer.api.ExecutionException;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.opencl.ClBuildException;
import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ClDevice;
import dev.clinfer.opencl.ClEvent;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.DeviceOp;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;
import dev.clinfer.opencl.ProgramCache;
import dev.clinfer.opencl.ops.DeviceOps;
import dev.clinfer.passes.ShapeInference;
import dev.clinfer.spi.HostLane;
import dev.clinfer.spi.PreparedGraph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.logging.Logger;

/**
 * A graph partitioned between one OpenCL device and the Java CPU lane. Each node is placed once,
 * when the graph is prepared: on the device when a launcher supports it, else on the host.
 * Values move between the two only where a consumer on the other side needs them. A request
 * runs on a {@link Lane} (one in-order queue), so device nodes follow each other without host
 * waits; the host waits where a CPU-lane node needs device data, and for the outputs.
 */
final class OpenClGraph implements PreparedGraph {
    private static final Logger LOG = Logger.getLogger(OpenClGraph.class.getName());

    private final Graph graph;
    private final HostLane host;
    private final ClContext context;
    private final ProgramCache programs;
    private final Node[] nodes;
    private final DeviceOp[] deviceOps;
    private final Map<String, Integer> lastUse = new HashMap<>();
    private final Map<String, DeviceTensor> deviceWeights = new HashMap<>();
    private final ConcurrentLinkedDeque<Lane> idleLanes = new ConcurrentLinkedDeque<>();
    private final List<Lane> allLanes = new ArrayList<>();
    private final String laneName;
    private final boolean strict;

    OpenClGraph(Graph graph, HostLane host, ClContext context, ProgramCache programs, DeviceOps ops,
                SessionOptions options, boolean hostOnly) {
        this.graph = graph;
        this.host = host;
        this.context = context;
        this.programs = programs;
        this.strict = options.strict();
        this.laneName = "opencl " + context.device().id();
        this.nodes = graph.nodes().toArray(new Node[0]);
        this.deviceOps = new DeviceOp[nodes.length];
        Map<String, ValueInfo> infos = ShapeInference.infer(graph);
        DeviceOpContext.Static st = new DeviceOpContext.Static() {
            @Override
            public ClDevice device() {
                return context.device();
            }

            @Override
            public Tensor constant(String valueName) {
                return graph.initializers().get(valueName);
            }
        };
        for (int i = 0; i < nodes.length; i++) {
            Node n = nodes[i];
            for (String in : dev.clinfer.passes.GraphScopes.reads(n)) {
                lastUse.put(in, i);
            }
            if (hostOnly || options.cpuOnlyOps().contains(n.opType())) {
                continue;
            }
            DeviceOp op = ops.find(n.domain(), n.opType());
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
                deviceOps[i] = op;
            }
        }
        for (ValueInfo o : graph.outputs()) {
            lastUse.put(o.name(), Integer.MAX_VALUE);
        }
        prebuild(st);
    }

    /**
     * Builds every program the placed nodes declare, in parallel, now rather than on the first
     * request. A build failure logs the compiler output and moves the nodes needing that program
     * to the Java CPU lane (an error in strict mode).
     */
    private void prebuild(DeviceOpContext.Static st) {
        Map<DeviceOp.ProgramRef, List<Integer>> users = new LinkedHashMap<>();
        for (int i = 0; i < nodes.length; i++) {
            if (deviceOps[i] != null) {
                for (DeviceOp.ProgramRef p : deviceOps[i].programs(nodes[i], st)) {
                    users.computeIfAbsent(p, k -> new ArrayList<>()).add(i);
                }
            }
        }
        Map<DeviceOp.ProgramRef, ClBuildException> failed = new java.util.concurrent.ConcurrentHashMap<>();
        users.keySet().parallelStream().forEach(p -> {
            try {
                programs.get(p.file(), p.options());
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
                deviceOps[i] = null;
            }
        }
    }

    @Override
    public Map<String, String> placement() {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nodes.length; i++) {
            m.put(nodes[i].name(), deviceOps[i] != null ? laneName : "java");
        }
        return m;
    }

    private Lane borrowLane() {
        Lane l = idleLanes.pollFirst();
        if (l != null) {
            return l;
        }
        l = new Lane(context, programs);
        synchronized (allLanes) {
            allLanes.add(l);
        }
        return l;
    }

    private synchronized DeviceTensor weight(String name, Tensor t, Lane lane) {
        DeviceTensor d = deviceWeights.get(name);
        if (d == null) {
            d = new DeviceTensor(context.createBuffer(Math.max(1, t.byteSize())), t.dataType(), t.shape());
            lane.queue.write(d.buffer(), 0, t.buffer(), true, List.of()).close();
            deviceWeights.put(name, d);
        }
        return d;
    }

    @Override
    public Tensor[] run(Tensor[] inputs) {
        Lane lane = borrowLane();
        boolean healthy = false;
        try {
            Tensor[] out = new Request(lane).run(inputs);
            healthy = true;
            return out;
        } finally {
            lane.memory.releaseAll();
            if (healthy) {
                idleLanes.addFirst(lane);
            } else {
                try {
                    lane.queue.finish();
                    idleLanes.addFirst(lane);
                } catch (ClinferException e) {
                    synchronized (allLanes) {
                        allLanes.remove(lane);
                    }
                    lane.close();
                }
            }
        }
    }

    /** The values of one request, each on the host, the device, or both. */
    private final class Request implements DeviceOpContext {
        private final Lane lane;
        private final Map<String, Tensor> hostValues = new HashMap<>();
        private final Map<String, DeviceTensor> deviceValues = new HashMap<>();

        Request(Lane lane) {
            this.lane = lane;
        }

        Tensor[] run(Tensor[] inputs) {
            for (int i = 0; i < inputs.length; i++) {
                hostValues.put(graph.inputs().get(i).name(), inputs[i]);
            }
            for (int i = 0; i < nodes.length; i++) {
                Node n = nodes[i];
                if (deviceOps[i] != null) {
                    try {
                        runOnDevice(i, n);
                    } catch (ClBuildException e) {
                        if (strict) {
                            throw e;
                        }
                        LOG.warning(n + ": OpenCL build failed, moving it to the Java CPU lane:\n" + e.log());
                        deviceOps[i] = null;
                        runOnHost(n);
                    }
                } else {
                    runOnHost(n);
                }
                free(i, n);
            }
            Tensor[] out = new Tensor[graph.outputs().size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = hostValue(graph.outputs().get(i).name());
            }
            lane.queue.finish();
            return out;
        }

        private void runOnDevice(int i, Node n) {
            DeviceTensor[] in = new DeviceTensor[n.inputs().size()];
            for (int k = 0; k < in.length; k++) {
                String name = n.inputs().get(k);
                in[k] = name.isEmpty() ? null : deviceValue(name);
            }
            DeviceTensor[] out;
            try {
                out = deviceOps[i].enqueue(n, in, this);
            } catch (ClinferException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ExecutionException(n + " failed on " + laneName + ": " + e, e);
            }
            for (int k = 0; k < n.outputs().size() && k < out.length; k++) {
                if (!n.outputs().get(k).isEmpty() && out[k] != null) {
                    deviceValues.put(n.outputs().get(k), out[k]);
                    lane.memory.retain(out[k]);
                }
            }
        }

        private void runOnHost(Node n) {
            Tensor[] in = new Tensor[n.inputs().size()];
            for (int k = 0; k < in.length; k++) {
                String name = n.inputs().get(k);
                in[k] = name.isEmpty() ? null : hostValue(name);
            }
            Tensor[] out = host.runNode(n, in);
            for (int k = 0; k < n.outputs().size() && k < out.length; k++) {
                if (!n.outputs().get(k).isEmpty() && out[k] != null) {
                    hostValues.put(n.outputs().get(k), out[k]);
                }
            }
        }

        private void free(int i, Node n) {
            for (String v : dev.clinfer.passes.GraphScopes.reads(n)) {
                dropIfDead(v, i);
            }
            for (String v : n.outputs()) {
                dropIfDead(v, i);
            }
        }

        private void dropIfDead(String v, int step) {
            Integer last = lastUse.get(v);
            if (last != null && last > step) {
                return;
            }
            hostValues.remove(v);
            DeviceTensor d = deviceValues.remove(v);
            if (d != null) {
                lane.memory.release(d);
            }
        }

        private DeviceTensor deviceValue(String name) {
            DeviceTensor d = deviceValues.get(name);
            if (d != null) {
                return d;
            }
            Tensor c = graph.initializers().get(name);
            if (c != null) {
                return weight(name, c, lane);
            }
            Tensor h = hostValues.get(name);
            if (h == null) {
                throw new ExecutionException("value '" + name + "' is not available");
            }
            d = lane.memory.allocate(h.dataType(), h.shape());
            if (h.byteSize() > 0) {
                lane.queue.write(d.buffer(), 0, h.buffer(), false, List.of()).close();
            }
            deviceValues.put(name, d);
            lane.memory.retain(d);
            return d;
        }

        private Tensor hostValue(String name) {
            Tensor h = hostValues.get(name);
            if (h != null) {
                return h;
            }
            Tensor c = graph.initializers().get(name);
            if (c != null) {
                return c;
            }
            DeviceTensor d = deviceValues.get(name);
            if (d == null) {
                throw new ExecutionException("value '" + name + "' is not available");
            }
            h = Tensor.allocate(d.type(), d.shape());
            if (h.byteSize() > 0) {
                try (ClEvent e = lane.queue.read(d.buffer(), 0, h.buffer(), true, List.of())) {
                    e.await();
                }
            }
            hostValues.put(name, h);
            return h;
        }

        @Override
        public ClDevice device() {
            return context.device();
        }

        @Override
        public DeviceTensor allocate(DataType type, long[] shape) {
            return lane.memory.allocate(type, shape);
        }

        @Override
        public ClKernel kernel(String program, String options, String name) {
            return lane.kernel(program, options, name);
        }

        @Override
        public void launch(ClKernel kernel, long[] global, long[] local) {
            lane.queue.launch(kernel, global, local, List.of()).close();
        }

        @Override
        public Tensor hostInput(Node node, int index) {
            if (index >= node.inputs().size() || node.inputs().get(index).isEmpty()) {
                return null;
            }
            return hostValue(node.inputs().get(index));
        }
    }

    @Override
    public void close() {
        synchronized (allLanes) {
            allLanes.forEach(Lane::close);
            allLanes.clear();
        }
        idleLanes.clear();
        synchronized (this) {
            deviceWeights.values().forEach(d -> d.buffer().close());
            deviceWeights.clear();
        }
    }

}
