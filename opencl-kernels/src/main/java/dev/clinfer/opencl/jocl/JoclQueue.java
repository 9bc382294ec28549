package dev.clinfer.opencl.jocl;

import dev.clinfer.opencl.ClBuffer;
import dev.clinfer.opencl.ClEvent;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.ClObjects;
import dev.clinfer.opencl.ClQueue;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.cl_command_queue;
import org.jocl.cl_event;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** A JOCL in-order command queue. */
final class JoclQueue implements ClQueue {
    private final cl_command_queue queue;
    private final AtomicBoolean closed = new AtomicBoolean();

    JoclQueue(cl_command_queue queue) {
        this.queue = queue;
        ClObjects.created(ClObjects.Kind.QUEUE);
    }

    private static cl_event[] waits(List<ClEvent> waits) {
        if (waits == null || waits.isEmpty()) {
            return null;
        }
        cl_event[] a = new cl_event[waits.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = ((JoclEvent) waits.get(i)).event;
        }
        return a;
    }

    @Override
    public ClEvent write(ClBuffer dst, long offset, ByteBuffer src, boolean blocking, List<ClEvent> waitList) {
        ByteBuffer s = src.slice();
        cl_event[] w = waits(waitList);
        cl_event ev = new cl_event();
        JoclBinding.check(CL.clEnqueueWriteBuffer(queue, ((JoclBuffer) dst).mem, blocking, offset, s.remaining(),
                Pointer.to(s), w == null ? 0 : w.length, w, ev), "clEnqueueWriteBuffer");
        return new JoclEvent(ev, "write", blocking ? null : s);
    }

    @Override
    public ClEvent read(ClBuffer src, long offset, ByteBuffer dst, boolean blocking, List<ClEvent> waitList) {
        ByteBuffer d = dst.slice();
        cl_event[] w = waits(waitList);
        cl_event ev = new cl_event();
        JoclBinding.check(CL.clEnqueueReadBuffer(queue, ((JoclBuffer) src).mem, blocking, offset, d.remaining(),
                Pointer.to(d), w == null ? 0 : w.length, w, ev), "clEnqueueReadBuffer");
        return new JoclEvent(ev, "read", blocking ? null : d);
    }

    @Override
    public ClEvent copy(ClBuffer src, ClBuffer dst, long srcOffset, long dstOffset, long bytes, List<ClEvent> waitList) {
        cl_event[] w = waits(waitList);
        cl_event ev = new cl_event();
        JoclBinding.check(CL.clEnqueueCopyBuffer(queue, ((JoclBuffer) src).mem, ((JoclBuffer) dst).mem, srcOffset,
                dstOffset, bytes, w == null ? 0 : w.length, w, ev), "clEnqueueCopyBuffer");
        return new JoclEvent(ev, "copy", null);
    }

    @Override
    public ClEvent launch(ClKernel kernel, long[] global, long[] local, List<ClEvent> waitList) {
        cl_event[] w = waits(waitList);
        cl_event ev = new cl_event();
        JoclBinding.check(CL.clEnqueueNDRangeKernel(queue, ((JoclKernel) kernel).kernel, global.length, null, global,
                local, w == null ? 0 : w.length, w, ev), "clEnqueueNDRangeKernel(" + kernel.name() + ")");
        return new JoclEvent(ev, kernel.name(), null);
    }

    @Override
    public void flush() {
        JoclBinding.check(CL.clFlush(queue), "clFlush");
    }

    @Override
    public void finish() {
        JoclBinding.check(CL.clFinish(queue), "clFinish");
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            CL.clFinish(queue);
            CL.clReleaseCommandQueue(queue);
            ClObjects.released(ClObjects.Kind.QUEUE);
        }
    }
}
