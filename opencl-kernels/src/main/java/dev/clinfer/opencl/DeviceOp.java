package dev.clinfer.opencl;

import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;

import java.util.List;

/** The OpenCL launcher of one op type: says which nodes it can run, and enqueues them. */
public interface DeviceOp {
    /**
     * Decided once per node when a graph is prepared.
     *
     * @param node   the node
     * @param inputs inferred infos of its inputs (type may be null when unknown)
     * @param ctx    what is known statically: constants, the device
     * @return true when this launcher runs the node on the device
     */
    boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static ctx);

    /**
     * Enqueues the node on the request's queue.
     *
     * @param node   the node
     * @param inputs device inputs (null for omitted optional ones)
     * @param ctx    the request: queue, allocation, kernels, constant inputs on the host
     * @return the node's outputs
     */
    DeviceTensor[] enqueue(Node node, DeviceTensor[] inputs, DeviceOpContext ctx);
}
