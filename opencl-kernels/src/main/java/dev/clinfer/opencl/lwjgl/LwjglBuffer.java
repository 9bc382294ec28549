package dev.clinfer.opencl.lwjgl;

import dev.clinfer.opencl.ClBuffer;
import dev.clinfer.opencl.ClObjects;
import org.lwjgl.opencl.CL10;

import java.util.concurrent.atomic.AtomicBoolean;

/** An LWJGL cl_mem. */
final class LwjglBuffer implements ClBuffer {
    final long mem;
    private final long size;
    private final AtomicBoolean closed = new AtomicBoolean();

    LwjglBuffer(long mem, long size) {
        this.mem = mem;
        this.size = size;
        ClObjects.created(ClObjects.Kind.BUFFER);
        ClObjects.bufferBytes(size);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            CL10.clReleaseMemObject(mem);
            ClObjects.released(ClObjects.Kind.BUFFER);
            ClObjects.bufferBytes(-size);
        }
    }
}
