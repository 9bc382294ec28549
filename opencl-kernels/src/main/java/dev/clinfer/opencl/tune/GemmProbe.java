package dev.clinfer.opencl.tune;

import dev.clinfer.opencl.ProgramCache;

/**
 * Times GEMM variants on a device, for one tuning run of {@link GemmTuner}; implemented by the
 * GEMM launcher. Closing it frees what the trials built.
 */
public interface GemmProbe extends AutoCloseable {
    /**
     * Runs {@code Y (m x n) = A (m x k) * B (k x n)} with the variant, once to warm up (PoCL
     * compiles per local size at the first launch), then a few times.
     *
     * @param programs its context runs the product; trial builds bypass its caches
     * @param config   the variant; its packMinM decides whether B is packed
     * @param m        rows
     * @param k        depth
     * @param n        columns
     * @return the best time of the timed runs, in seconds
     */
    double seconds(ProgramCache programs, GemmConfig config, int m, int k, int n);

    @Override
    default void close() {
    }
}
