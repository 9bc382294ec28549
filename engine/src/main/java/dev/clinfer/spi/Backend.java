package dev.clinfer.spi;

import dev.clinfer.ir.Graph;

/**
 * A compute device family able to run graphs (OpenCL today). Backends come from
 * {@link BackendProvider}s found through {@link java.util.ServiceLoader}.
 */
public interface Backend extends AutoCloseable {
    /** @return one line: which device, through which binding, and why it was chosen */
    String description();

    /**
     * Prepares a graph: partitions it into device and Java-CPU lanes, builds programs, uploads
     * weights.
     *
     * @param graph a sorted, optimised graph
     * @param host  the Java CPU lane (its kernels and pool)
     * @return the prepared graph, owned by the caller
     */
    PreparedGraph prepare(Graph graph, HostLane host);

    /** Releases the device (contexts, queues, programs). */
    @Override
    void close();
}
