package dev.clinfer.spi;

import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;
import dev.clinfer.ops.OpRegistry;

/** The Java CPU lane a backend hands the nodes its device cannot run. */
public interface HostLane {
    /** @return the Java operators */
    OpRegistry operators();

    /**
     * Runs one node on the Java path.
     *
     * @param node   the node (no subgraph nodes: those run whole on the host)
     * @param inputs its inputs (host tensors; null for omitted optional ones)
     * @return its outputs
     */
    Tensor[] runNode(Node node, Tensor[] inputs);

    /** @return the session's worker count */
    int threads();
}
