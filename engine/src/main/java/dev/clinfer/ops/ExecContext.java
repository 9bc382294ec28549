package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Graph;

import java.util.Map;

/** What a kernel may use while it runs: the session's pool, allocation and subgraphs. */
public interface ExecContext {
    /**
     * Allocates a zero-filled output tensor (possibly a recycled buffer of the memory plan).
     *
     * @param type  element type
     * @param shape dims
     * @return the tensor
     */
    Tensor allocate(DataType type, long... shape);

    /**
     * Allocates an output tensor whose contents are unspecified (a recycled buffer keeps its old
     * values). Only for kernels that write every element of the output: it saves the zero-fill
     * pass over memory that {@link #allocate} makes on recycled buffers.
     *
     * @param type  element type
     * @param shape dims
     * @return the tensor
     */
    default Tensor allocateUninitialized(DataType type, long... shape) {
        return allocate(type, shape);
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into chunks on the session's pool, and returns
     * when all are done. Runs inline when {@code n} is small or the pool has one thread.
     *
     * @param n          range size
     * @param costPerItem rough work per index (e.g. flops); decides how finely to split
     * @param body       the loop body
     */
    void parallelFor(int n, long costPerItem, RangeBody body);

    /** @return the number of threads of the session's pool */
    int threads();

    /**
     * Runs a subgraph (If branch, Loop body). Values of enclosing graphs are visible by name.
     *
     * @param graph  the subgraph
     * @param inputs the subgraph's formal inputs by name
     * @return the subgraph's outputs, in its output order
     */
    Tensor[] runSubgraph(Graph graph, Map<String, Tensor> inputs);
}
