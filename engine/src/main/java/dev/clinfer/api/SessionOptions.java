package dev.clinfer.api;

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
    private boolean optimize = true;
    private final Set<String> cpuOnlyOps = new HashSet<>();

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

    /** @return device preference: {@code auto}, {@code gpu}, {@code opencl-cpu}, {@code java} or {@code P:D} */
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

    /** @return a copy */
    public SessionOptions copy() {
        SessionOptions o = new SessionOptions();
        o.threads = threads;
        o.device = device;
        o.binding = binding;
        o.strict = strict;
        o.optimize = optimize;
        o.cpuOnlyOps.addAll(cpuOnlyOps);
        return o;
    }
}
