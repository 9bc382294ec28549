package dev.clinfer.bench;

import java.util.Map;

/** One engine on one model with fixed inputs: run it, and read back what it computed. */
public interface BenchEngine extends AutoCloseable {
    /** @return a short label ("ort", "java", "opencl 0:0") */
    String label();

    /** Runs the model once on the prepared inputs and releases the outputs. */
    void run();

    /**
     * Runs once and copies every output out.
     *
     * @return outputs by name, in model order
     */
    Map<String, Output> runAndCollect();

    @Override
    void close();

    /**
     * An output copied to the heap, widened to double for comparison.
     *
     * @param shape  dims
     * @param values elements in row-major order
     */
    record Output(long[] shape, double[] values) {
    }
}
