package dev.clinfer.opencl;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

/** What a {@link DeviceOp} may use while enqueuing one node of one request. */
public interface DeviceOpContext {
    /** Static facts available when a graph is prepared. */
    interface Static {
        /** @return the device */
        ClDevice device();

        /**
         * @param valueName a value name
         * @return the constant (initializer) of that name, or null when it is computed at run time
         */
        Tensor constant(String valueName);
    }

    /** @return the device */
    ClDevice device();

    /** @param type element type @param shape dims @return a device tensor from the request's pool */
    DeviceTensor allocate(DataType type, long[] shape);

    /**
     * @param program  kernel source file under {@code dev/clinfer/kernels/} (e.g. {@code elementwise.cl})
     * @param options  build options (-D macros)
     * @param name     kernel function
     * @return a kernel owned by this request's lane (do not close; arguments are not preserved between calls)
     */
    ClKernel kernel(String program, String options, String name);

    /**
     * Enqueues a kernel launch on the request's queue (in order after everything before it).
     *
     * @param kernel kernel with arguments set
     * @param global global size
     * @param local  local size or null
     */
    void launch(ClKernel kernel, long[] global, long[] local);

    /**
     * The host value of a node input that an op needs as a parameter (a shape, starts, pads,
     * scales): the constant when it is one, else it is downloaded (a sync point).
     *
     * @param node  the node
     * @param index input index
     * @return the tensor, or null when the input is omitted
     */
    Tensor hostInput(Node node, int index);
}
