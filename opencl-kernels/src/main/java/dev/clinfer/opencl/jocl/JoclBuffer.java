package dev.clinfer.opencl.jocl;

import dev.clinfer.opencl.ClBuffer;
import dev.clinfer.opencl.ClObjects;
import org.jocl.CL;
import org.jocl.cl_mem;

import java.util.concurrent.atomic.AtomicBoolean;

/** A JOCL cl_mem. */
final class JoclBuffer implements ClBuffer {
    final cl_mem mem;
    private final long size;
    private final AtomicBoolean closed = new AtomicBoolean();

    JoclBuffer(cl_mem mem, long size) {
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
            CL.clReleaseMemObject(mem);
            ClObjects.released(ClObjects.Kind.BUFFER);
            ClObjects.bufferBytes(-size);
        }
    }
}
