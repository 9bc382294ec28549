package dev.clinfer.opencl.lwjgl;

import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.ClObjects;
import dev.clinfer.opencl.ClProgram;
import org.lwjgl.PointerBuffer;
import org.lwjgl.opencl.CL10;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.MemoryUtil;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/** A built LWJGL program. */
final class LwjglProgram implements ClProgram {
    private final long program;
    private final String log;
    private final AtomicBoolean closed = new AtomicBoolean();

    LwjglProgram(long program, String log) {
        this.program = program;
        this.log = log;
        ClObjects.created(ClObjects.Kind.PROGRAM);
    }

    @Override
    public ClKernel kernel(String name) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer err = stack.mallocInt(1);
            long k = CL10.clCreateKernel(program, name, err);
            LwjglBinding.check(err.get(0), "clCreateKernel(" + name + ")");
            return new LwjglKernel(k, name);
        }
    }

    @Override
    public byte[] binary() {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            PointerBuffer sizes = stack.mallocPointer(1);
            LwjglBinding.check(CL10.clGetProgramInfo(program, CL10.CL_PROGRAM_BINARY_SIZES, sizes, null),
                    "clGetProgramInfo(BINARY_SIZES)");
            int n = (int) sizes.get(0);
            ByteBuffer bin = MemoryUtil.memAlloc(n);
            try {
                PointerBuffer ptrs = stack.pointers(bin);
                LwjglBinding.check(CL10.clGetProgramInfo(program, CL10.CL_PROGRAM_BINARIES, ptrs, null),
                        "clGetProgramInfo(BINARIES)");
                byte[] out = new byte[n];
                bin.get(out);
                return out;
            } finally {
                MemoryUtil.memFree(bin);
            }
        }
    }

    @Override
    public String buildLog() {
        return log;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            CL10.clReleaseProgram(program);
            ClObjects.released(ClObjects.Kind.PROGRAM);
        }
    }
}
