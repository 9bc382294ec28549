package dev.clinfer.opencl.jocl;

import dev.clinfer.opencl.ClBuffer;
import dev.clinfer.opencl.ClBuildException;
import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ClBuildGuard;
import dev.clinfer.opencl.ClDevice;
import dev.clinfer.opencl.ClException;
import dev.clinfer.opencl.ClObjects;
import dev.clinfer.opencl.ClProgram;
import dev.clinfer.opencl.ClQueue;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_mem;
import org.jocl.cl_program;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/** A JOCL context on one device. */
final class JoclContext implements ClContext {
    private final ClDevice device;
    private final cl_device_id id;
    private final cl_context context;
    private final AtomicBoolean closed = new AtomicBoolean();

    JoclContext(ClDevice device) {
        this.device = device;
        this.id = (cl_device_id) device.handle();
        int[] err = new int[1];
        this.context = CL.clCreateContext(null, 1, new cl_device_id[] {id}, null, null, err);
        JoclBinding.check(err[0], "clCreateContext");
        ClObjects.created(ClObjects.Kind.CONTEXT);
    }

    @Override
    public ClDevice device() {
        return device;
    }

    @Override
    @SuppressWarnings("deprecation")
    public ClQueue createQueue(boolean profiling) {
        int[] err = new int[1];
        cl_command_queue q = CL.clCreateCommandQueue(context, id, profiling ? CL.CL_QUEUE_PROFILING_ENABLE : 0, err);
        JoclBinding.check(err[0], "clCreateCommandQueue");
        return new JoclQueue(q);
    }

    @Override
    public ClBuffer createBuffer(long bytes) {
        int[] err = new int[1];
        cl_mem m = CL.clCreateBuffer(context, CL.CL_MEM_READ_WRITE, Math.max(1, bytes), null, err);
        JoclBinding.check(err[0], "clCreateBuffer(" + bytes + " bytes)");
        return new JoclBuffer(m, bytes);
    }

    @Override
    public ClProgram buildProgram(String source, String options) {
        return ClBuildGuard.build(device, () -> buildFromSource(source, options));
    }

    private ClProgram buildFromSource(String source, String options) {
        int[] err = new int[1];
        cl_program p = CL.clCreateProgramWithSource(context, 1, new String[] {source}, null, err);
        JoclBinding.check(err[0], "clCreateProgramWithSource");
        return build(p, options, "program");
    }

    @Override
    public ClProgram buildProgramFromBinary(byte[] binary, String options) {
        return ClBuildGuard.build(device, () -> buildFromBinary(binary, options));
    }

    private ClProgram buildFromBinary(byte[] binary, String options) {
        int[] err = new int[1];
        int[] status = new int[1];
        cl_program p = CL.clCreateProgramWithBinary(context, 1, new cl_device_id[] {id}, new long[] {binary.length},
                new byte[][] {binary}, status, err);
        if (err[0] != CL.CL_SUCCESS || status[0] != CL.CL_SUCCESS) {
            if (p != null) {
                CL.clReleaseProgram(p);
            }
            throw new ClBuildException("program from cached binary", err[0] != 0 ? err[0] : status[0], "");
        }
        return build(p, options, "program from cached binary");
    }

    private ClProgram build(cl_program p, String options, String what) {
        int rc = CL.clBuildProgram(p, 1, new cl_device_id[] {id}, options, null, null);
        String log = buildLog(p);
        if (rc != CL.CL_SUCCESS) {
            CL.clReleaseProgram(p);
            throw new ClBuildException(what + " (options '" + options + "')", rc, log);
        }
        return new JoclProgram(p, id, log);
    }

    private String buildLog(cl_program p) {
        long[] size = new long[1];
        CL.clGetProgramBuildInfo(p, id, CL.CL_PROGRAM_BUILD_LOG, 0, null, size);
        if (size[0] <= 1) {
            return "";
        }
        byte[] b = new byte[(int) size[0]];
        CL.clGetProgramBuildInfo(p, id, CL.CL_PROGRAM_BUILD_LOG, b.length, Pointer.to(b), null);
        return new String(b, 0, Math.max(0, b.length - 1), StandardCharsets.UTF_8).trim();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            CL.clReleaseContext(context);
            ClObjects.released(ClObjects.Kind.CONTEXT);
        }
    }

    static void ensureOk(int rc, String call) {
        if (rc != CL.CL_SUCCESS) {
            throw new ClException(call, rc);
        }
    }
}
