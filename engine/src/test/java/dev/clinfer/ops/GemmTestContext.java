package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.cpu.ComputePool;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;

import java.util.List;
import java.util.Map;

/** A minimal {@link ExecContext} over a {@link ComputePool} for kernel tests and benchmarks. */
final class GemmTestContext implements ExecContext, AutoCloseable {
    private final ComputePool pool;

    GemmTestContext(int threads) {
        pool = new ComputePool(threads);
    }

    @Override
    public Tensor allocate(DataType type, long... shape) {
        return Tensor.allocate(type, shape);
    }

    @Override
    public void parallelFor(int n, long costPerItem, RangeBody body) {
        pool.parallelFor(n, costPerItem, body);
    }

    @Override
    public int threads() {
        return pool.threads();
    }

    @Override
    public Tensor[] runSubgraph(Graph graph, Map<String, Tensor> inputs) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
        pool.close();
    }

    /** @return a node of the default domain with the given attributes */
    static Node node(String op, int opset, Map<String, Attribute> attrs) {
        return new Node("t", op, "", List.of(), List.of("y"), attrs, opset);
    }
}
