package dev.clinfer.ops;

import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

/**
 * The semantics and Java CPU kernel of one ONNX operator (all its opset versions: read
 * {@link Node#opset()} where they differ).
 */
@FunctionalInterface
public interface Operator {
    /**
     * Computes a node's outputs.
     *
     * @param node   the node (attributes, opset)
     * @param inputs one entry per node input; null where an optional input is omitted
     * @param ctx    the thread pool, allocation and subgraph execution
     * @return one entry per node output; an entry may be null for an optional output nobody reads
     */
    Tensor[] run(Node node, Tensor[] inputs, ExecContext ctx);
}
