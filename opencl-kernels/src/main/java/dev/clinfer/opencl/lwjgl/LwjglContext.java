package dev.clinfer.opencl.lwjgl;

import dev.clinfer.opencl.ClBuffer;
import dev.clinfer.opencl.ClBuildException;
import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ClBuildGuard;
import dev.clinfer.opencl.ClDevice;
import dev.clinfer.opencl.ClObjects;
import dev.clinfer.opencl.ClProgram;
import dev.clinfer.opencl.ClQueue;
import org.lwjgl.PointerBuffer;
import org.lwjgl.opencl.CL10;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.MemoryUtil;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/** An LWJGL context on one device. */
final class LwjglContext implements ClContext {
    private final ClDevice device;
    private final long id;
    private final long context;
    private final AtomicBoolean closed = new AtomicBoolean();

    LwjglContext(ClDevice device) {
        this.device = device;
        this.id = (Long) device.handle();
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer err = stack.mallocInt(1);
            this.context = CL10.clCreateContext(null, id, null, 0, err);
            LwjglBinding.check(err.get(0), "clCreateContext");
        }
        ClObjects.created(ClObjects.Kind.CONTEXT);
    }

    @Override
    public ClDevice device() {
        return device;
    }

    @Override
    public ClQueue createQueue(boolean profiling) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer err = stack.mallocInt(1);
            long q = CL10.clCreateCommandQueue(context, id, profiling ? CL10.CL_QUEUE_PROFILING_ENABLE : 0, err);
            LwjglBinding.check(err.get(0), "clCreateCommandQueue");
            return new LwjglQueue(q);
        }
    }

    @Override
    public ClBuffer createBuffer(long bytes) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer err = stack.mallocInt(1);
            long m = CL10.clCreateBuffer(context, CL10.CL_MEM_READ_WRITE, Math.max(1, bytes), err);
            LwjglBinding.check(err.get(0), "clCreateBuffer(" + bytes + " bytes)");
            return new LwjglBuffer(m, bytes);
        }
    }

    @Override
    public ClProgram buildProgram(String source, String options) {
        return ClBuildGuard.build(device, () -> buildFromSource(source, options));
    }

    private ClProgram buildFromSource(String source, String options) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer err = stack.mallocInt(1);
            long p = CL10.clCreateProgramWithSource(context, source, err);
            LwjglBinding.check(err.get(0), "clCreateProgramWithSource");
            return build(p, options, "program");
        }
    }

    @Override
    public ClProgram buildProgramFromBinary(byte[] binary, String options) {
        return ClBuildGuard.build(device, () -> buildFromBinary(binary, options));
    }

    private ClProgram buildFromBinary(byte[] binary, String options) {
        ByteBuffer bin = MemoryUtil.memAlloc(binary.length);
        try (MemoryStack stack = MemoryStack.stackPush()) {
            bin.put(binary).flip();
            IntBuffer err = stack.mallocInt(1);
            IntBuffer status = stack.mallocInt(1);
            PointerBuffer devs = stack.pointers(id);
            long p = CL10.clCreateProgramWithBinary(context, devs, bin, status, err);
            if (err.get(0) != CL10.CL_SUCCESS || status.get(0) != CL10.CL_SUCCESS) {
                if (p != 0) {
                    CL10.clReleaseProgram(p);
                }
                throw new ClBuildException("program from cached binary", err.get(0) != 0 ? err.get(0) : status.get(0), "");
            }
            return build(p, options, "program from cached binary");
        } finally {
            MemoryUtil.memFree(bin);
        }
    }

    private ClProgram build(long p, String options, String what) {
        int rc = CL10.clBuildProgram(p, id, options, null, 0);
        String log = buildLog(p);
        if (rc != CL10.CL_SUCCESS) {
            CL10.clReleaseProgram(p);
            throw new ClBuildException(what + " (options '" + options + "')", rc, log);
        }
        return new LwjglProgram(p, log);
    }

    private String buildLog(long p) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            PointerBuffer size = stack.mallocPointer(1);
            CL10.clGetProgramBuildInfo(p, id, CL10.CL_PROGRAM_BUILD_LOG, (ByteBuffer) null, size);
            int n = (int) size.get(0);
            if (n <= 1) {
                return "";
            }
            ByteBuffer b = MemoryUtil.memAlloc(n);
            try {
                CL10.clGetProgramBuildInfo(p, id, CL10.CL_PROGRAM_BUILD_LOG, b, null);
                byte[] a = new byte[n - 1];
                b.get(a);
                return new String(a, StandardCharsets.UTF_8).trim();
            } finally {
                MemoryUtil.memFree(b);
            }
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            CL10.clReleaseContext(context);
            ClObjects.released(ClObjects.Kind.CONTEXT);
        }
    }
}
