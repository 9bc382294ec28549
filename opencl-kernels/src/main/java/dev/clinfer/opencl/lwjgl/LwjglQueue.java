package dev.clinfer.opencl.lwjgl;

import dev.clinfer.opencl.ClBuffer;
import dev.clinfer.opencl.ClEvent;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.ClObjects;
import dev.clinfer.opencl.ClQueue;
import org.lwjgl.PointerBuffer;
import org.lwjgl.opencl.CL10;
import org.lwjgl.system.MemoryStack;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** An LWJGL in-order command queue. */
final class LwjglQueue implements ClQueue {
    private final long queue;
    private final AtomicBoolean closed = new AtomicBoolean();

    LwjglQueue(long queue) {
        this.queue = queue;
        ClObjects.created(ClObjects.Kind.QUEUE);
    }

    private static PointerBuffer waits(MemoryStack stack, List<ClEvent> waits) {
        if (waits == null || waits.isEmpty()) {
            return null;
        }
        PointerBuffer p = stack.mallocPointer(waits.size());
        for (ClEvent e : waits) {
            p.put(((LwjglEvent) e).event);
        }
        return p.flip();
    }

    @Override
    public ClEvent write(ClBuffer dst, long offset, ByteBuffer src, boolean blocking, List<ClEvent> waitList) {
        ByteBuffer s = src.slice();
        try (MemoryStack stack = MemoryStack.stackPush()) {
            PointerBuffer ev = stack.mallocPointer(1);
            LwjglBinding.check(CL10.clEnqueueWriteBuffer(queue, ((LwjglBuffer) dst).mem, blocking, offset, s,
                    waits(stack, waitList), ev), "clEnqueueWriteBuffer");
            return new LwjglEvent(ev.get(0), "write", blocking ? null : s);
        }
    }

    @Override
    public ClEvent read(ClBuffer src, long offset, ByteBuffer dst, boolean blocking, List<ClEvent> waitList) {
        ByteBuffer d = dst.slice();
        try (MemoryStack stack = MemoryStack.stackPush()) {
            PointerBuffer ev = stack.mallocPointer(1);
            LwjglBinding.check(CL10.clEnqueueReadBuffer(queue, ((LwjglBuffer) src).mem, blocking, offset, d,
                    waits(stack, waitList), ev), "clEnqueueReadBuffer");
            return new LwjglEvent(ev.get(0), "read", blocking ? null : d);
        }
    }

    @Override
    public ClEvent copy(ClBuffer src, ClBuffer dst, long srcOffset, long dstOffset, long bytes, List<ClEvent> waitList) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            PointerBuffer ev = stack.mallocPointer(1);
            LwjglBinding.check(CL10.clEnqueueCopyBuffer(queue, ((LwjglBuffer) src).mem, ((LwjglBuffer) dst).mem,
                    srcOffset, dstOffset, bytes, waits(stack, waitList), ev), "clEnqueueCopyBuffer");
            return new LwjglEvent(ev.get(0), "copy", null);
        }
    }

    @Override
    public ClEvent launch(ClKernel kernel, long[] global, long[] local, List<ClEvent> waitList) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            PointerBuffer g = stack.pointers(global);
            PointerBuffer l = local == null ? null : stack.pointers(local);
            PointerBuffer ev = stack.mallocPointer(1);
            LwjglBinding.check(CL10.clEnqueueNDRangeKernel(queue, ((LwjglKernel) kernel).kernel, global.length, null, g,
                    l, waits(stack, waitList), ev), "clEnqueueNDRangeKernel(" + kernel.name() + ")");
            return new LwjglEvent(ev.get(0), kernel.name(), null);
        }
    }

    @Override
    public void flush() {
        LwjglBinding.check(CL10.clFlush(queue), "clFlush");
    }

    @Override
    public void finish() {
        LwjglBinding.check(CL10.clFinish(queue), "clFinish");
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            CL10.clFinish(queue);
            CL10.clReleaseCommandQueue(queue);
            ClObjects.released(ClObjects.Kind.QUEUE);
        }
    }
}
