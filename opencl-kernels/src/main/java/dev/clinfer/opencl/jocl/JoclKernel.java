package dev.clinfer.opencl.jocl;

import dev.clinfer.opencl.ClBuffer;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.ClObjects;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;

import java.util.concurrent.atomic.AtomicBoolean;

/** A JOCL cl_kernel. */
final class JoclKernel implements ClKernel {
    final cl_kernel kernel;
    private final String name;
    private final AtomicBoolean closed = new AtomicBoolean();

    JoclKernel(cl_kernel kernel, String name) {
        this.kernel = kernel;
        this.name = name;
        ClObjects.created(ClObjects.Kind.KERNEL);
    }

    @Override
    public ClKernel arg(int i, ClBuffer b) {
        JoclBinding.check(CL.clSetKernelArg(kernel, i, Sizeof.cl_mem, Pointer.to(((JoclBuffer) b).mem)), name + " arg " + i);
        return this;
    }

    @Override
    public ClKernel arg(int i, int v) {
        JoclBinding.check(CL.clSetKernelArg(kernel, i, Sizeof.cl_int, Pointer.to(new int[] {v})), name + " arg " + i);
        return this;
    }

    @Override
    public ClKernel arg(int i, long v) {
        JoclBinding.check(CL.clSetKernelArg(kernel, i, Sizeof.cl_long, Pointer.to(new long[] {v})), name + " arg " + i);
        return this;
    }

    @Override
    public ClKernel arg(int i, float v) {
        JoclBinding.check(CL.clSetKernelArg(kernel, i, Sizeof.cl_float, Pointer.to(new float[] {v})), name + " arg " + i);
        return this;
    }

    @Override
    public ClKernel argInts(int i, int[] v) {
        JoclBinding.check(CL.clSetKernelArg(kernel, i, (long) Sizeof.cl_int * v.length, Pointer.to(v)), name + " arg " + i);
        return this;
    }

    @Override
    public ClKernel argLocal(int i, long bytes) {
        JoclBinding.check(CL.clSetKernelArg(kernel, i, bytes, null), name + " local arg " + i);
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            CL.clReleaseKernel(kernel);
            ClObjects.released(ClObjects.Kind.KERNEL);
        }
    }
}
