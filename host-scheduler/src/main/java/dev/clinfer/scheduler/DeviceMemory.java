package dev.clinfer.scheduler;

import dev.clinfer.api.DataType;
import dev.clinfer.api.DeviceException;
import dev.clinfer.opencl.ClBuffer;
import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ClException;
import dev.clinfer.opencl.DeviceTensor;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Device buffers of one lane (one in-order queue): a buffer freed after its last reader goes back
 * to this lane's free list, and because the lane's queue is in order, a later kernel that reuses
 * it cannot overtake the readers. Sizes round up to classes like the host pool's. Not
 * thread-safe: a lane serves one request at a time.
 */
final class DeviceMemory implements AutoCloseable {
    private final ClContext context;
    private final Map<Long, ArrayDeque<ClBuffer>> free = new HashMap<>();
    private final Map<ClBuffer, int[]> refs = new IdentityHashMap<>();
    private long allocatedBytes;

    DeviceMemory(ClContext context) {
        this.context = context;
    }

    private static long sizeClass(long bytes) {
        if (bytes <= 4096) {
            return 4096;
        }
        long hi = Long.highestOneBit(bytes - 1) << 1;
        long step = Math.max(hi / 16, 1);
        return (bytes + step - 1) / step * step;
    }

    DeviceTensor allocate(DataType type, long[] shape) {
        long bytes = dev.clinfer.api.Tensor.elementCount(shape) * type.byteSize();
        long cls = sizeClass(bytes);
        long max = context.device().maxAllocBytes();
        if (cls > max) {
            throw new DeviceException("tensor of " + type + " " + java.util.Arrays.toString(shape) + " needs " + bytes
                    + " bytes, over CL_DEVICE_MAX_MEM_ALLOC_SIZE (" + max + ") of " + context.device());
        }
        ArrayDeque<ClBuffer> q = free.get(cls);
        ClBuffer b = q == null ? null : q.pollFirst();
        if (b == null) {
            try {
                b = context.createBuffer(cls);
            } catch (ClException e) {
                if (!e.isOutOfMemory()) {
                    throw e;
                }
                trim();
                b = context.createBuffer(cls);
            }
            allocatedBytes += cls;
        }
        refs.put(b, new int[] {0});
        return new DeviceTensor(b, type, shape);
    }

    /** A value now views {@code t}'s buffer (only buffers of this memory are counted). */
    void retain(DeviceTensor t) {
        int[] r = refs.get(t.buffer());
        if (r != null) {
            r[0]++;
        }
    }

    /** A value viewing {@code t}'s buffer died. */
    void release(DeviceTensor t) {
        int[] r = refs.get(t.buffer());
        if (r != null && --r[0] <= 0) {
            refs.remove(t.buffer());
            free.computeIfAbsent(t.buffer().size(), k -> new ArrayDeque<>()).addFirst(t.buffer());
        }
    }

    /** Returns every buffer still counted to the free lists (end of a request). */
    void releaseAll() {
        for (ClBuffer b : refs.keySet()) {
            free.computeIfAbsent(b.size(), k -> new ArrayDeque<>()).addFirst(b);
        }
        refs.clear();
    }

    /** Frees idle buffers. */
    void trim() {
        for (ArrayDeque<ClBuffer> q : free.values()) {
            for (ClBuffer b : q) {
                allocatedBytes -= b.size();
                b.close();
            }
        }
        free.clear();
    }

    long allocatedBytes() {
        return allocatedBytes;
    }

    @Override
    public void close() {
        releaseAll();
        trim();
    }
}
