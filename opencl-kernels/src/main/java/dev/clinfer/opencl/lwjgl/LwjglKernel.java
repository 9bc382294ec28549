package dev.clinfer.opencl.lwjgl;

import dev.clinfer.opencl.ClBuffer;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.ClObjects;
import org.lwjgl.opencl.CL10;

import java.util.concurrent.atomic.AtomicBoolean;

/** An LWJGL cl_kernel. */
final class LwjglKernel implements ClKernel {
    final long kernel;
    private final String name;
    private final AtomicBoolean closed = new AtomicBoolean();

    LwjglKernel(long kernel, String name) {
        this.kernel = kernel;
        this.name = name;
        ClObjects.created(ClObjects.Kind.KERNEL);
    }

    @Override
    public ClKernel arg(int i, ClBuffer b) {
        LwjglBinding.check(CL10.clSetKernelArg1p(kernel, i, ((LwjglBuffer) b).mem), name + " arg " + i);
        return this;
    }

    @Override
    public ClKernel arg(int i, int v) {
        LwjglBinding.check(CL10.clSetKernelArg1i(kernel, i, v), name + " arg " + i);
        return this;
    }

    @Override
    public ClKernel arg(int i, long v) {
        LwjglBinding.check(CL10.clSetKernelArg1l(kernel, i, v), name + " arg " + i);
        return this;
    }

    @Override
    public ClKernel arg(int i, float v) {
        LwjglBinding.check(CL10.clSetKernelArg1f(kernel, i, v), name + " arg " + i);
        return this;
    }

    @Override
    public ClKernel argInts(int i, int[] v) {
        try (org.lwjgl.system.MemoryStack stack = org.lwjgl.system.MemoryStack.stackPush()) {
            LwjglBinding.check(CL10.clSetKernelArg(kernel, i, stack.ints(v)), name + " arg " + i);
        }
        return this;
    }

    @Override
    public ClKernel argLocal(int i, long bytes) {
        LwjglBinding.check(CL10.clSetKernelArg(kernel, i, bytes), name + " local arg " + i);
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            CL10.clReleaseKernel(kernel);
            ClObjects.released(ClObjects.Kind.KERNEL);
        }
    }
}
