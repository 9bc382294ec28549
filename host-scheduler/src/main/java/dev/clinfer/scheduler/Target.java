package dev.clinfer.scheduler;

import dev.clinfer.api.Tensor;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** One device a prepared graph runs on: an OpenCL device or the Java CPU lane. */
interface Target extends AutoCloseable {
    /** @return lane name, e.g. {@code "opencl 0:1"} or {@code "java"} */
    String lane();

    /**
     * Starts a request. The caller holds one of this target's in-flight slots.
     *
     * @param inputs one tensor per graph input
     * @param inline start enqueueing on the calling thread (a blocking {@code run}) rather than
     *               on the dispatch pool
     * @param id     request number (for traces)
     * @return the outputs once they are all on the host
     */
    CompletableFuture<Tensor[]> submit(Tensor[] inputs, boolean inline, long id);

    /** @return node name to lane */
    Map<String, String> placement();

    /** @return transfer jobs waiting for their threads */
    default int queuedTransfers() {
        return 0;
    }

    @Override
    void close();
}
