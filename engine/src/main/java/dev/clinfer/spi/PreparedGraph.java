package dev.clinfer.spi;

import dev.clinfer.api.Tensor;

import java.util.Map;

/** A graph ready to run on a backend. Thread-safe: concurrent {@link #run} calls are allowed. */
public interface PreparedGraph extends AutoCloseable {
    /**
     * @param inputs one tensor per graph input, in graph-input order
     * @return one tensor per graph output, in graph-output order
     */
    Tensor[] run(Tensor[] inputs);

    /** @return node name to lane ("opencl 0:0", "java") */
    Map<String, String> placement();

    @Override
    void close();
}
