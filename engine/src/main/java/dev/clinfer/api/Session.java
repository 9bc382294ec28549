package dev.clinfer.api;

import dev.clinfer.cpu.BufferPool;
import dev.clinfer.cpu.ComputePool;
import dev.clinfer.cpu.ExecutionPlan;
import dev.clinfer.cpu.Interpreter;
import dev.clinfer.ir.Dim;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Model;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.onnx.OnnxImporter;
import dev.clinfer.ops.OpRegistry;
import dev.clinfer.passes.GraphOptimizer;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A loaded model, ready to run. Thread-safe: many threads may call {@link #run} at once; each
 * call gets its own activation buffers from a pool shared by the session.
 *
 * <pre>{@code
 * try (Session s = Session.create(Path.of("model.onnx"), new SessionOptions().threads(4));
 *      Result r = s.run(Map.of("input", Tensor.of(pixels, 1, 3, 224, 224)))) {
 *     float[] logits = r.get("output").toFloatArray();
 * }
 * }</pre>
 */
public final class Session implements AutoCloseable {
    private final Model model;
    private final SessionOptions options;
    private final ComputePool compute;
    private final BufferPool buffers;
    private final Interpreter interpreter;
    private final ExecutionPlan plan;
    private final ModelInfo info;
    private final String deviceDescription;
    private final dev.clinfer.spi.Backend backend;
    private final dev.clinfer.spi.PreparedGraph prepared;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Session(Model model, SessionOptions options) {
        this.model = model;
        this.options = options.copy();
        Map<String, Integer> histogram = GraphOptimizer.opHistogram(model.graph());
        long params = model.graph().parameterCount();
        this.compute = new ComputePool(this.options.threads());
        try {
            this.buffers = new BufferPool(1L << 30);
            this.interpreter = new Interpreter(compute, buffers);
            GraphOptimizer.Report report = GraphOptimizer.run(model.graph(), OpRegistry.defaultRegistry(),
                    interpreter.loadTimeContext(), this.options.optimize());
            this.plan = new ExecutionPlan(model.graph(), OpRegistry.defaultRegistry());
            DeviceChoice choice = DeviceChoice.open(this.options);
            this.backend = choice.backend();
            // Control flow (If/Loop/Scan/SequenceMap) needs the interpreter's scopes: such graphs run
            // whole on the Java path for now, and placement says so.
            boolean controlFlow = model.graph().nodes().stream().anyMatch(dev.clinfer.passes.GraphScopes::hasSubgraph);
            this.prepared = backend == null || controlFlow ? null : backend.prepare(model.graph(),
                    new dev.clinfer.cpu.JavaHostLane(interpreter, OpRegistry.defaultRegistry(), this.options.threads()));
            this.deviceDescription = choice.description();
            Graph g = model.graph();
            this.info = new ModelInfo(
                    (model.producerName() + " " + model.producerVersion()).trim(), model.irVersion(), model.opsets(),
                    model.metadata(), infos(g.inputs()), infos(g.outputs()), histogram, params, g.nodes().size(),
                    report.foldedOps().size(), report.removedNodes(),
                    report.memory().plannedValues() == 0 ? -1 : report.memory().peakBytes(),
                    report.memory().totalBytes(), report.memory().unknownValues(),
                    java.util.Collections.unmodifiableMap(new LinkedHashMap<>(report.fusions())));
        } catch (RuntimeException | Error e) {
            compute.close();
            throw e;
        }
    }

    /**
     * @param file an .onnx file (external data resolved in its folder)
     * @return a session with default options
     */
    public static Session create(Path file) {
        return create(file, new SessionOptions());
    }

    /**
     * @param file    an .onnx file
     * @param options options
     * @return the session
     */
    public static Session create(Path file, SessionOptions options) {
        return new Session(OnnxImporter.load(file), options);
    }

    /**
     * @param bytes   a serialized model (external data is rejected: there is no folder)
     * @param options options
     * @return the session
     */
    public static Session create(byte[] bytes, SessionOptions options) {
        return new Session(OnnxImporter.load(bytes, null), options);
    }

    /**
     * @param in      a stream holding a serialized model (read fully; not closed)
     * @param options options
     * @return the session
     */
    public static Session create(InputStream in, SessionOptions options) {
        return new Session(OnnxImporter.load(in, null), options);
    }

    /** @return the graph inputs a caller must supply */
    public List<TensorInfo> inputs() {
        return info.inputs();
    }

    /** @return the graph outputs */
    public List<TensorInfo> outputs() {
        return info.outputs();
    }

    /**
     * @return what each graph input is, in {@link #inputs()} order: "tensor", "sequence",
     *         "optional", "map" or "sparse_tensor" (sequences and optionals are passed as
     *         {@link Tensor#sequence}/{@link Tensor#optional} values)
     */
    public List<String> inputKinds() {
        return kinds(model.graph().inputs());
    }

    /** @return what each graph output is, in {@link #outputs()} order (see {@link #inputKinds()}) */
    public List<String> outputKinds() {
        return kinds(model.graph().outputs());
    }

    private static List<String> kinds(List<ValueInfo> vs) {
        List<String> l = new ArrayList<>();
        vs.forEach(v -> l.add(v.kind()));
        return java.util.Collections.unmodifiableList(l);
    }

    /** @return model facts: metadata, op histogram, parameters, peak activation memory */
    public ModelInfo modelInfo() {
        return info;
    }

    /** @return which device runs this session, in words */
    public String device() {
        return deviceDescription;
    }

    /** @return node name to the lane that runs it ("java" for everything on the Java CPU path) */
    public Map<String, String> placement() {
        if (prepared != null) {
            return prepared.placement();
        }
        Map<String, String> m = new LinkedHashMap<>();
        model.graph().nodes().forEach(n -> m.put(n.name(), "java"));
        return m;
    }

    /** @return node name to op type, for the nodes left after the load-time passes */
    public Map<String, String> nodeOpTypes() {
        Map<String, String> m = new LinkedHashMap<>();
        model.graph().nodes().forEach(n -> m.put(n.name(), n.opType()));
        return m;
    }

    /** @return options the session was created with (a copy) */
    public SessionOptions options() {
        return options.copy();
    }

    /** @return the pool of activation buffers (for monitoring: outstanding buffers, reuse) */
    public BufferPool bufferPool() {
        return buffers;
    }

    /**
     * Runs the model.
     *
     * @param inputs every graph input by name
     * @return outputs by name, in model order
     * @throws InvalidInputException for a missing, unknown or mis-shaped input
     */
    public Result run(Map<String, Tensor> inputs) {
        if (closed.get()) {
            throw new ClinferException("session is closed");
        }
        Graph g = model.graph();
        Tensor[] in = new Tensor[g.inputs().size()];
        for (String name : inputs.keySet()) {
            if (g.inputs().stream().noneMatch(v -> v.name().equals(name))) {
                throw new InvalidInputException("unknown input '" + name + "'; the model's inputs are " + names(g.inputs()));
            }
        }
        for (int i = 0; i < in.length; i++) {
            ValueInfo vi = g.inputs().get(i);
            Tensor t = inputs.get(vi.name());
            if (t == null) {
                throw new InvalidInputException("missing input '" + vi.name() + "' (" + vi.type() + " " + vi.shape()
                        + "); given " + inputs.keySet());
            }
            check(vi, t);
            in[i] = t;
        }
        Tensor[] out = prepared != null ? prepared.run(in) : interpreter.run(plan, in);
        Map<String, Tensor> named = new LinkedHashMap<>();
        for (int i = 0; i < out.length; i++) {
            named.put(g.outputs().get(i).name(), out[i]);
        }
        return new Result(named);
    }

    private static void check(ValueInfo vi, Tensor t) {
        DataType want = "sequence".equals(vi.kind()) ? DataType.SEQUENCE
                : "optional".equals(vi.kind()) ? DataType.OPTIONAL : null;
        if (want != null && t.dataType() != want) {
            throw new InvalidInputException("input '" + vi.name() + "': expected a " + want + " (Tensor."
                    + want.displayName() + "(...)), got " + t);
        }
        if (want == null && t.isContainer()) {
            throw new InvalidInputException("input '" + vi.name() + "': expected a " + vi.kind() + ", got " + t);
        }
        if (want != null) {
            return;
        }
        if (vi.type() != null && vi.type() != t.dataType()) {
            throw new InvalidInputException("input '" + vi.name() + "': expected " + vi.type() + ", got " + t.dataType());
        }
        if (vi.shape() != null && !vi.shape().accepts(t.shape())) {
            throw new InvalidInputException("input '" + vi.name() + "': expected shape " + vi.shape() + ", got "
                    + Arrays.toString(t.shape()));
        }
    }

    private static List<String> names(List<ValueInfo> vs) {
        List<String> l = new ArrayList<>();
        vs.forEach(v -> l.add(v.name()));
        return l;
    }

    private static List<TensorInfo> infos(List<ValueInfo> vs) {
        List<TensorInfo> l = new ArrayList<>();
        for (ValueInfo v : vs) {
            if (!v.shape().hasRank()) {
                l.add(new TensorInfo(v.name(), v.type(), null, null));
                continue;
            }
            long[] shape = new long[v.shape().rank()];
            List<String> names = new ArrayList<>();
            for (int i = 0; i < shape.length; i++) {
                Dim d = v.shape().dim(i);
                shape[i] = d.isKnown() ? d.value() : -1;
                names.add(d.isSymbolic() ? d.symbol() : null);
            }
            l.add(new TensorInfo(v.name(), v.type(), shape, java.util.Collections.unmodifiableList(names)));
        }
        return l;
    }

    /** Frees the worker threads and pooled buffers. Runs in flight finish first. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            if (prepared != null) {
                prepared.close();
            }
            if (backend != null) {
                backend.close();
            }
            compute.close();
            buffers.clear();
        }
    }
}
