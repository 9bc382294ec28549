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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loaded model, ready to run. Thread-safe with no global lock: many threads may call
 * {@link #run} or {@link #runAsync} at once; each request gets its own activation buffers (and,
 * on an OpenCL device, its own command queues) from pools shared by the session. At most
 * {@link SessionOptions#maxInFlight()} requests run per device; callers past that wait, up to
 * {@link SessionOptions#acquireTimeout()}, then get a {@link BusyException}.
 *
 * <p><b>Input buffers.</b> A request reads its input tensors until it completes: the transfer
 * threads copy them into staging memory for the device, and nodes on the Java CPU lane read
 * them in place. A caller may reuse or overwrite an input tensor's buffer as soon as
 * {@code run} has returned (normally or by an exception), or the future from {@code runAsync}
 * has completed (normally or exceptionally) &mdash; not before. Output tensors belong to the
 * caller.
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
    private final dev.clinfer.spi.InFlightLimiter javaLimiter;
    private final AtomicLong javaRequests = new AtomicLong();
    private final AtomicLong javaReruns = new AtomicLong();
    private static final java.util.logging.Logger DEVICE_LOG = java.util.logging.Logger.getLogger("dev.clinfer.device");
    private final AtomicLong javaFailed = new AtomicLong();
    private final AtomicLong javaBusy = new AtomicLong();
    /** Per-node times of Java-path runs (null when the session runs on a device backend). */
    private final dev.clinfer.cpu.StepTimes javaTimes;
    private volatile long statsSince = System.nanoTime();
    private volatile ExecutorService asyncPool;

    /** No in-flight slot came free within {@link SessionOptions#acquireTimeout()}. */
    public static final class BusyException extends ClinferException {
        private static final long serialVersionUID = 1L;

        /** @param message which bound was reached, and for how long the caller waited */
        public BusyException(String message) {
            super(message);
        }
    }

    private Session(Model model, SessionOptions options) {
        this.model = model;
        this.options = options.copy();
        Map<String, Integer> histogram = GraphOptimizer.opHistogram(model.graph());
        long params = model.graph().parameterCount();
        this.compute = new ComputePool(this.options.threads());
        try {
            this.buffers = new BufferPool(1L << 30);
            this.interpreter = new Interpreter(compute, buffers);
            GraphOptimizer.Report report;
            try {
                report = GraphOptimizer.run(model.graph(), OpRegistry.defaultRegistry(),
                        interpreter.loadTimeContext(), this.options.optimize());
            } catch (ClinferException e) {
                throw e;
            } catch (RuntimeException | StackOverflowError e) {
                // A pass tripped over a malformed graph the importer let through: still a bad model,
                // reported as such (with the cause for a bug report), never an unchecked crash.
                throw new ModelFormatException("load-time graph passes failed on this model (malformed graph?): " + e, e);
            }
            applyBudget(model, report, buffers, this.options.memoryBudgetBytes());
            this.plan = new ExecutionPlan(model.graph(), OpRegistry.defaultRegistry());
            DeviceChoice choice = DeviceChoice.open(this.options);
            this.backend = choice.backend();
            // Control flow (If/Loop/Scan/SequenceMap) needs the interpreter's scopes: such graphs run
            // whole on the Java path for now, and placement says so.
            boolean controlFlow = model.graph().nodes().stream().anyMatch(dev.clinfer.passes.GraphScopes::hasSubgraph);
            this.prepared = backend == null || controlFlow ? null : backend.prepare(model.graph(),
                    new dev.clinfer.cpu.JavaHostLane(interpreter, OpRegistry.defaultRegistry(), this.options.threads()));
            this.javaTimes = prepared == null ? new dev.clinfer.cpu.StepTimes(plan) : null;
            this.deviceDescription = choice.description();
            this.javaLimiter = new dev.clinfer.spi.InFlightLimiter(List.of("java"), this.options.maxInFlight());
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
     * Fails creation when initializers plus the static activation peak exceed the budget, and caps the
     * activation pool at what the initializers leave of it.
     */
    private static void applyBudget(Model model, GraphOptimizer.Report report, BufferPool pool, long budget) {
        if (budget == Long.MAX_VALUE) {
            return;
        }
        long init = 0;
        for (Tensor t : model.graph().initializers().values()) {
            init += t.isContainer() ? 0 : t.byteSize();
        }
        long peak = Math.max(0, report.memory().peakBytes());
        if (init + peak > budget) {
            throw new MemoryBudgetException("session needs " + (init + peak) + " bytes (" + init
                    + " of initializers + " + peak + " of peak activations per request), over the memory budget of "
                    + budget + " bytes", budget, init + peak);
        }
        pool.limit(budget - init, "memory budget of " + budget + " bytes less " + init + " bytes of initializers");
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
        long size;
        try {
            size = java.nio.file.Files.size(file);
        } catch (java.io.IOException e) {
            size = -1; // the importer reports the unreadable file
        }
        checkFileAgainstBudget(file.getFileName() + " (" + size + " bytes)", size, options);
        return new Session(OnnxImporter.load(file), options);
    }

    /**
     * Refuses a model before reading it when its serialized form alone is over the budget: the
     * file is held while its initializers are decoded, so this is a lower bound of the load's
     * need, and a model that cannot fit is rejected without decoding a byte of it.
     */
    private static void checkFileAgainstBudget(String what, long bytes, SessionOptions options) {
        long budget = options.memoryBudgetBytes();
        if (bytes > budget) {
            throw new MemoryBudgetException("model " + what + " is larger than the memory budget of " + budget
                    + " bytes; not loaded", budget, bytes);
        }
    }

    /**
     * @param bytes   a serialized model (external data is rejected: there is no folder)
     * @param options options
     * @return the session
     */
    public static Session create(byte[] bytes, SessionOptions options) {
        checkFileAgainstBudget("of " + bytes.length + " bytes", bytes.length, options);
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
     * Runs the model and waits for its outputs. Thread-safe. The input tensors may be reused as
     * soon as this method returns (see the class comment).
     *
     * @param inputs every graph input by name
     * @return outputs by name, in model order
     * @throws InvalidInputException for a missing, unknown or mis-shaped input
     * @throws BusyException         when no in-flight slot came free within the acquire timeout
     */
    public Result run(Map<String, Tensor> inputs) {
        Tensor[] in = bind(inputs);
        if (prepared == null) {
            return wrap(runJava(in));
        }
        try {
            return wrap(prepared.run(in));
        } catch (ClinferException e) {
            if (!rerunsOnJava(e)) {
                throw e;
            }
            return wrap(rerunOnJava(in, e));
        }
    }

    /**
     * Starts the model and returns at once (after taking an in-flight slot: while every slot is
     * taken, this call waits, up to the acquire timeout). The input tensors must stay unchanged
     * until the future completes; after that they may be reused.
     *
     * @param inputs every graph input by name
     * @return the outputs, completed exceptionally with the run's {@link ClinferException}
     * @throws InvalidInputException for a missing, unknown or mis-shaped input (nothing runs)
     * @throws BusyException         when no in-flight slot came free within the acquire timeout
     */
    public CompletableFuture<Result> runAsync(Map<String, Tensor> inputs) {
        Tensor[] in = bind(inputs);
        if (prepared != null) {
            return prepared.runAsync(in).handle((out, err) -> {
                if (err == null) {
                    return CompletableFuture.completedFuture(wrap(out));
                }
                Throwable e = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                        ? err.getCause() : err;
                if (!rerunsOnJava(e)) {
                    return CompletableFuture.<Result>failedFuture(e);
                }
                return CompletableFuture.supplyAsync(() -> wrap(rerunOnJava(in, (ClinferException) e)), asyncPool());
            }).thenCompose(f -> f);
        }
        int slot = javaLimiter.acquire(timeoutNanos());
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return wrap(runJavaInSlot(in));
                } finally {
                    javaLimiter.release(slot);
                }
            }, asyncPool());
        } catch (RuntimeException e) {
            javaLimiter.release(slot);
            throw e;
        }
    }

    private Tensor[] bind(Map<String, Tensor> inputs) {
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
        return in;
    }

    private Result wrap(Tensor[] out) {
        Graph g = model.graph();
        Map<String, Tensor> named = new LinkedHashMap<>();
        for (int i = 0; i < out.length; i++) {
            named.put(g.outputs().get(i).name(), out[i]);
        }
        return new Result(named);
    }

    private long timeoutNanos() {
        return options.acquireTimeout() == null ? 0 : options.acquireTimeout().toNanos();
    }

    /** @return whether this failure is a device fault the options let the Java path retry */
    private boolean rerunsOnJava(Throwable e) {
        if (!options.rerunOnJava() || closed.get()) {
            return false;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DeviceException) {
                return true;
            }
            if (t instanceof InvalidInputException || t instanceof MemoryBudgetException || t instanceof BusyException) {
                return false;
            }
        }
        return false;
    }

    private Tensor[] rerunOnJava(Tensor[] in, ClinferException cause) {
        DEVICE_LOG.warning("request failed on the device (" + cause.getMessage().lines().findFirst().orElse("")
                + "); running it again on the Java path");
        javaReruns.incrementAndGet();
        return runJava(in);
    }

    /** @return requests that a device fault failed and the Java path then ran (see {@link SessionOptions#rerunOnJava}) */
    public long javaReruns() {
        return javaReruns.get();
    }

    private Tensor[] runJava(Tensor[] in) {
        int slot = javaLimiter.acquire(timeoutNanos());
        try {
            return runJavaInSlot(in);
        } finally {
            javaLimiter.release(slot);
        }
    }

    private Tensor[] runJavaInSlot(Tensor[] in) {
        long t0 = System.nanoTime();
        try {
            Tensor[] out = interpreter.run(plan, in, javaTimes);
            javaRequests.incrementAndGet();
            return out;
        } catch (RuntimeException | Error e) {
            javaFailed.incrementAndGet();
            throw e;
        } finally {
            javaBusy.addAndGet(System.nanoTime() - t0);
        }
    }

    private ExecutorService asyncPool() {
        ExecutorService p = asyncPool;
        if (p == null) {
            synchronized (this) {
                p = asyncPool;
                if (p == null) {
                    AtomicInteger n = new AtomicInteger();
                    p = Executors.newCachedThreadPool(r -> {
                        Thread t = new Thread(r, "clinfer-async-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
                    asyncPool = p;
                }
            }
        }
        return p;
    }

    /**
     * @return counters: requests, failures, in flight, waiting callers, bytes moved, busy time per
     *         lane, requests per device and the transfer/kernel overlap ratio
     */
    public dev.clinfer.spi.SessionStats stats() {
        if (prepared != null) {
            return prepared.stats();
        }
        return new dev.clinfer.spi.SessionStats(javaRequests.get(), javaFailed.get(), javaLimiter.inFlight(),
                javaLimiter.waiting(), 0, 0, 0, Map.of("java", javaBusy.get()), Map.of("java", javaRequests.get()),
                Double.NaN, System.nanoTime() - statsSince);
    }

    /**
     * @return per-node times summed over the requests so far, largest first: device times from
     *         OpenCL events, and on the Java path each node's wall time (lane {@code java})
     */
    public List<dev.clinfer.spi.LayerProfile> profile() {
        if (prepared != null) {
            return prepared.profile();
        }
        return javaTimes != null ? javaTimes.profile() : List.of();
    }

    /** Zeroes the counters, the per-node profile and the recorded trace (e.g. after a warm-up). */
    public void resetStats() {
        if (prepared != null) {
            prepared.resetStats();
        }
        javaRequests.set(0);
        javaFailed.set(0);
        javaBusy.set(0);
        if (javaTimes != null) {
            javaTimes.reset();
        }
        statsSince = System.nanoTime();
    }

    /**
     * Writes a Chrome/Perfetto trace (open it in ui.perfetto.dev or chrome://tracing) with one
     * track per command queue and CPU-lane thread. Needs {@link SessionOptions#trace(boolean)}.
     *
     * @param file the JSON file to write
     * @throws java.io.IOException on a write failure
     * @throws UnsupportedOperationException on the plain Java path, which records no trace
     */
    public void writeTrace(Path file) throws java.io.IOException {
        if (prepared == null) {
            throw new UnsupportedOperationException("traces are recorded on OpenCL sessions only (device: "
                    + deviceDescription + ")");
        }
        prepared.writeTrace(file);
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

    /**
     * Refuses new requests, lets the requests in flight finish (or fail cleanly, after a minute),
     * then frees the worker threads, pooled buffers and every native (OpenCL) resource.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                javaLimiter.close();
                javaLimiter.awaitIdle(TimeUnit.MINUTES.toNanos(1));
                if (prepared != null) {
                    prepared.close();
                }
            } finally {
                if (backend != null) {
                    backend.close();
                }
                ExecutorService p = asyncPool;
                if (p != null) {
                    p.shutdown();
                }
                compute.close();
                buffers.clear();
                // the weights are the bulk of a session: a closed session that its caller still
                // references (a registry, a field) must not hold them
                plan.releaseConstants();
                model.graph().initializers().clear();
            }
        }
    }

    /** @return whether {@link #close} has been called */
    public boolean isClosed() {
        return closed.get();
    }
}
