package dev.clinfer.spi;

import dev.clinfer.api.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A graph ready to run on a backend. Thread-safe: concurrent {@link #run} and {@link #runAsync}
 * calls are allowed. The input tensors must stay unchanged until the call returns or its future
 * completes.
 */
public interface PreparedGraph extends AutoCloseable {
    /**
     * @param inputs one tensor per graph input, in graph-input order
     * @return one tensor per graph output, in graph-output order
     */
    Tensor[] run(Tensor[] inputs);

    /**
     * Starts a request. May block the caller while the in-flight bound is reached (up to the
     * session's acquire timeout).
     *
     * @param inputs one tensor per graph input, in graph-input order
     * @return the outputs, once every one of them is on the host
     */
    default CompletableFuture<Tensor[]> runAsync(Tensor[] inputs) {
        return CompletableFuture.supplyAsync(() -> run(inputs));
    }

    /** @return node name to lane ("opencl 0:0", "java") */
    Map<String, String> placement();

    /** @return counters since creation or the last {@link #resetStats} */
    default SessionStats stats() {
        return new SessionStats(0, 0, 0, 0, 0, 0, 0, Map.of(), Map.of(), Double.NaN, 0);
    }

    /** @return per-node times since creation or the last reset, largest first */
    default List<LayerProfile> profile() {
        return List.of();
    }

    /** Zeroes the counters, the profile and the recorded trace. */
    default void resetStats() {
    }

    /**
     * Writes the recorded events (needs {@code SessionOptions.trace(true)}) as Chrome/Perfetto
     * trace JSON.
     *
     * @param file target file
     * @throws IOException on a write failure
     */
    default void writeTrace(Path file) throws IOException {
        throw new UnsupportedOperationException("this backend records no trace");
    }

    /** Refuses new requests, lets the running ones finish (or fail), then frees every resource. */
    @Override
    void close();
}
