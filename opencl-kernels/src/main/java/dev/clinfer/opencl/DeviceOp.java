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
     * The programs this node will need, so a session can build them all in parallel when it is
     * created instead of on the first request. Optional: a launcher that declares nothing has
     * its programs built lazily on first use.
     *
     * @param node the node (already accepted by {@link #supports})
     * @param ctx  static facts
     * @return (source file, build options) pairs
     */
    default List<ProgramRef> programs(Node node, DeviceOpContext.Static ctx) {
        return List.of();
    }

    /**
     * A program a launcher builds: a kernel source file and its build options.
     *
     * @param file    source under dev/clinfer/kernels
     * @param options build options
     */
    record ProgramRef(String file, String options) {
    }

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
