package dev.clinfer.opencl.jocl;

import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.ClObjects;
import dev.clinfer.opencl.ClProgram;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

import java.util.concurrent.atomic.AtomicBoolean;

/** A built JOCL program. */
final class JoclProgram implements ClProgram {
    private final cl_program program;
    private final String log;
    private final AtomicBoolean closed = new AtomicBoolean();

    JoclProgram(cl_program program, cl_device_id device, String log) {
        this.program = program;
        this.log = log;
        ClObjects.created(ClObjects.Kind.PROGRAM);
    }

    @Override
    public ClKernel kernel(String name) {
        int[] err = new int[1];
        cl_kernel k = CL.clCreateKernel(program, name, err);
        JoclBinding.check(err[0], "clCreateKernel(" + name + ")");
        return new JoclKernel(k, name);
    }

    @Override
    public byte[] binary() {
        long[] size = new long[1];
        JoclBinding.check(CL.clGetProgramInfo(program, CL.CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(size), null),
                "clGetProgramInfo(BINARY_SIZES)");
        byte[] bin = new byte[(int) size[0]];
        JoclBinding.check(CL.clGetProgramInfo(program, CL.CL_PROGRAM_BINARIES, Sizeof.POINTER,
                Pointer.to(Pointer.to(bin)), null), "clGetProgramInfo(BINARIES)");
        return bin;
    }

    @Override
    public String buildLog() {
        return log;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            CL.clReleaseProgram(program);
            ClObjects.released(ClObjects.Kind.PROGRAM);
        }
    }
}
