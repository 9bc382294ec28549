package dev.clinfer.api;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Options of a {@link Session}: threads, device and OpenCL binding choice, and graph
 * optimisation. A mutable builder; a session copies what it needs when it is created.
 *
 * <pre>{@code
 * SessionOptions o = new SessionOptions().threads(4).device("java");
 * }</pre>
 */
public final class SessionOptions {
    private int threads = Runtime.getRuntime().availableProcessors();
    private String device = envOr("CLINFER_DEVICE", "auto");
    private String binding = envOr("CLINFER_BINDING", "auto");
    private boolean strict;
    private boolean rerunOnJava;
    private boolean optimize = true;
    private final Set<String> cpuOnlyOps = new HashSet<>();
    private int maxInFlight = 4;
    private Duration acquireTimeout;
    private int computeQueues = 2;
    private int stagingSets = 3;
    private int splitBatch;
    private boolean pipeline;
    private boolean trace;
    private long memoryBudgetBytes = Long.MAX_VALUE;

    private static String envOr(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : v.trim();
    }

    /** @return worker threads of the session's pool (default: the core count) */
    public int threads() {
        return threads;
    }

    /** @param n worker threads, at least 1 @return this */
    public SessionOptions threads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + n);
        }
        this.threads = n;
        return this;
    }

    /**
     * @return device preference: {@code auto} (the best single device: a GPU or accelerator that
     *         passes its self-test, else an OpenCL CPU device, else Java), {@code gpu} (every GPU or
     *         accelerator), {@code opencl-cpu} (every OpenCL CPU device), {@code java}, {@code P:D},
     *         or a comma-separated list of these (e.g. {@code 0:0,0:1} or {@code 0:0,java}) whose
     *         devices then share the requests (data parallel)
     */
    public String device() {
        return device;
    }

    /** @param d device preference (default {@code auto}, or {@code CLINFER_DEVICE}) @return this */
    public SessionOptions device(String d) {
        this.device = d;
        return this;
    }

    /** @return OpenCL binding: {@code auto}, {@code jocl} or {@code lwjgl} */
    public String binding() {
        return binding;
    }

    /** @param b OpenCL binding (default {@code auto}, or {@code CLINFER_BINDING}) @return this */
    public SessionOptions binding(String b) {
        this.binding = b;
        return this;
    }

    /** @return whether any fallback away from the requested device is an error */
    public boolean strict() {
        return strict;
    }

    /** @param s make any device fallback an error @return this */
    public SessionOptions strict(boolean s) {
        this.strict = s;
        return this;
    }

    /** @return whether a request that a device fault failed runs again on the Java path (default false) */
    public boolean rerunOnJava() {
        return rerunOnJava;
    }

    /**
     * @param r when a request fails on an OpenCL device with a {@link DeviceException} (an allocation,
     *          launch or transfer that failed, a device lost), run it again on the Java CPU path and
     *          return that result instead of the error; bad inputs and budget refusals still fail
     * @return this
     */
    public SessionOptions rerunOnJava(boolean r) {
        this.rerunOnJava = r;
        return this;
    }

    /** @return whether graph optimisation passes run at load time (default true) */
    public boolean optimize() {
        return optimize;
    }

    /** @param o run graph optimisation passes @return this */
    public SessionOptions optimize(boolean o) {
        this.optimize = o;
        return this;
    }

    /** @return op types forced onto the Java CPU lane (for testing fallback) */
    public Set<String> cpuOnlyOps() {
        return Set.copyOf(cpuOnlyOps);
    }

    /** @param opType an op type to keep off OpenCL devices @return this */
    public SessionOptions cpuOnlyOp(String opType) {
        cpuOnlyOps.add(opType);
        return this;
    }

    /** @return requests allowed in flight per device at once (default 4) */
    public int maxInFlight() {
        return maxInFlight;
    }

    /**
     * Bounds the requests running at once on each device; each holds one set of activation
     * buffers (and OpenCL queues), so this also bounds memory. Callers past the bound wait.
     *
     * @param n at least 1
     * @return this
     */
    public SessionOptions maxInFlight(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + n);
        }
        this.maxInFlight = n;
        return this;
    }

    /** @return longest wait for an in-flight slot, or null to wait without limit (the default) */
    public Duration acquireTimeout() {
        return acquireTimeout;
    }

    /**
     * @param d longest time a caller waits for an in-flight slot before a
     *          {@link Session.BusyException}; null or zero waits without limit
     * @return this
     */
    public SessionOptions acquireTimeout(Duration d) {
        this.acquireTimeout = d == null || d.isZero() || d.isNegative() ? null : d;
        return this;
    }

    /** @return compute queues per request on an OpenCL device (independent branches run on different ones) */
    public int computeQueues() {
        return computeQueues;
    }

    /** @param n compute queues per request, 1 to 8 (default 2) @return this */
    public SessionOptions computeQueues(int n) {
        if (n < 1 || n > 8) {
            throw new IllegalArgumentException("computeQueues must be 1..8, got " + n);
        }
        this.computeQueues = n;
        return this;
    }

    /** @return rotating host staging buffer sets per transfer direction and device */
    public int stagingSets() {
        return stagingSets;
    }

    /** @param n staging sets per direction, 2 to 4 (default 3) @return this */
    public SessionOptions stagingSets(int n) {
        if (n < 2 || n > 4) {
            throw new IllegalArgumentException("stagingSets must be 2..4, got " + n);
        }
        this.stagingSets = n;
        return this;
    }

    /** @return the smallest batch split across devices, or 0 when batches are never split */
    public int splitBatch() {
        return splitBatch;
    }

    /**
     * With several devices, splits a request whose inputs share a leading batch dimension of at
     * least {@code minBatch} into one part per device and concatenates the outputs.
     *
     * @param minBatch smallest batch to split (0 = never, the default)
     * @return this
     */
    public SessionOptions splitBatch(int minBatch) {
        if (minBatch < 0) {
            throw new IllegalArgumentException("splitBatch must be 0 or more, got " + minBatch);
        }
        this.splitBatch = minBatch;
        return this;
    }

    /** @return whether several devices form a pipeline (model parallel) instead of sharing requests */
    public boolean pipeline() {
        return pipeline;
    }

    /**
     * @param p split the layers into one stage per device, balanced by measured per-layer cost,
     *          with requests streaming through the stages (needs two or more devices)
     * @return this
     */
    public SessionOptions pipeline(boolean p) {
        this.pipeline = p;
        return this;
    }

    /** @return whether every kernel, transfer and CPU-lane node is recorded for {@code Session.writeTrace} */
    public boolean trace() {
        return trace;
    }

    /** @param t record a Chrome/Perfetto trace of every request @return this */
    public SessionOptions trace(boolean t) {
        this.trace = t;
        return this;
    }

    /** @return the host memory budget in bytes (default {@link Long#MAX_VALUE}: unlimited) */
    public long memoryBudgetBytes() {
        return memoryBudgetBytes;
    }

    /**
     * Caps the host memory of the session: creation fails with a {@link MemoryBudgetException} when
     * the initializers plus the static peak activation memory of one request exceed it, and at run
     * time the activation pool refuses to grow past what the initializers leave of it.
     *
     * @param bytes the budget, at least 1
     * @return this
     */
    public SessionOptions memoryBudgetBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("memoryBudgetBytes must be positive, got " + bytes);
        }
        this.memoryBudgetBytes = bytes;
        return this;
    }

    /** @return a copy */
    public SessionOptions copy() {
        SessionOptions o = new SessionOptions();
        o.threads = threads;
        o.device = device;
        o.binding = binding;
        o.strict = strict;
        o.rerunOnJava = rerunOnJava;
        o.optimize = optimize;
        o.cpuOnlyOps.addAll(cpuOnlyOps);
        o.maxInFlight = maxInFlight;
        o.acquireTimeout = acquireTimeout;
        o.computeQueues = computeQueues;
        o.stagingSets = stagingSets;
        o.splitBatch = splitBatch;
        o.pipeline = pipeline;
        o.trace = trace;
        o.memoryBudgetBytes = memoryBudgetBytes;
        return o;
    }
}
