package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;
import dev.clinfer.opencl.ClBuffer;
import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ClDevice;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.ClQueue;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;
import dev.clinfer.opencl.ProgramCache;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A launcher context for tests and benchmark mains: launches go to one queue, kernels come from
 * one program cache (one per program, options and name), and every buffer it allocates or is
 * handed with {@link #own} and every kernel stays alive until {@link #close}.
 */
final class OwningOpContext implements DeviceOpContext, AutoCloseable {
    private final ClContext context;
    private final ProgramCache programs;
    private final ClQueue queue;
    private final Map<String, ClKernel> kernels = new HashMap<>();
    private final List<ClBuffer> owned = new ArrayList<>();
    private IntFunction<Tensor> hostInputs = i -> null;

    OwningOpContext(ClContext context, ProgramCache programs, ClQueue queue) {
        this.context = context;
        this.programs = programs;
        this.queue = queue;
    }

    /** @param inputs what {@link #hostInput} answers by input index from now on */
    void hostInputs(IntFunction<Tensor> inputs) {
        this.hostInputs = inputs;
    }

    /** @param b a buffer to free on {@link #close} @return b */
    ClBuffer own(ClBuffer b) {
        owned.add(b);
        return b;
    }

    @Override
    public ClDevice device() {
        return context.device();
    }

    @Override
    public DeviceTensor allocate(DataType type, long[] shape) {
        return new DeviceTensor(own(context.createBuffer(Math.max(4, Tensor.elementCount(shape) * type.byteSize()))),
                type, shape);
    }

    @Override
    public ClKernel kernel(String program, String options, String name) {
        return kernels.computeIfAbsent(program + "|" + options + "|" + name,
                k -> programs.get(program, options).kernel(name));
    }

    @Override
    public void launch(ClKernel kernel, long[] global, long[] local) {
        queue.launch(kernel, global, local, List.of()).close();
    }

    @Override
    public Tensor hostInput(Node node, int index) {
        return hostInputs.apply(index);
    }

    /** Frees the kernels and buffers (the caller finishes the queue first). */
    @Override
    public void close() {
        kernels.values().forEach(ClKernel::close);
        owned.forEach(ClBuffer::close);
        kernels.clear();
        owned.clear();
    }
}
