package dev.clinfer.opencl;

/** The event of an enqueued command (cl_event). */
public interface ClEvent extends AutoCloseable {
    /** Blocks until the command has completed; throws {@link ClException} if it ended in error. */
    void await();

    /** @return true once the command has completed, successfully or not */
    boolean isComplete();

    /** @return {queued, start, end} device timestamps in ns; needs a profiling queue and a completed command */
    long[] profile();

    @Override
    void close();
}
