package dev.clinfer.scheduler;

import dev.clinfer.api.DataType;
import dev.clinfer.api.DeviceException;
import dev.clinfer.opencl.ClBuffer;
import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ClException;
import dev.clinfer.opencl.DeviceTensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The device buffers of one request slot. A request's commands run on several queues (compute
 * queues, upload, download), so a buffer freed after its last reader carries the events of its
 * writers and readers: whoever reuses it first waits for them. A download that has been asked for
 * but not yet enqueued by its thread is a pending reader: the buffer is not reused until the
 * read's event exists. Between requests (every command of the slot complete) the events are
 * dropped. Sizes round up to classes of 1/16 of a power of two. Used by one request at a time
 * (the request's dispatch cursor), so it needs no locks.
 */
final class DeviceMemory implements AutoCloseable {
    private final ClContext context;
    private final Map<Long, ArrayDeque<Entry>> free = new HashMap<>();
    private final Map<ClBuffer, Entry> live = new IdentityHashMap<>();
    private long allocatedBytes;

    private static final class Entry {
        final ClBuffer buffer;
        int refs;
        final List<Ev> events = new ArrayList<>();
        final List<CompletableFuture<Ev>> pending = new ArrayList<>();

        Entry(ClBuffer buffer) {
            this.buffer = buffer;
        }

        boolean reusable() {
            for (CompletableFuture<Ev> p : pending) {
                if (!p.isDone()) {
                    return false;
                }
            }
            return true;
        }
    }

    DeviceMemory(ClContext context) {
        this.context = context;
    }

    static long sizeClass(long bytes) {
        if (bytes <= 4096) {
            return 4096;
        }
        long hi = Long.highestOneBit(bytes - 1) << 1;
        long step = Math.max(hi / 16, 1);
        return (bytes + step - 1) / step * step;
    }

    /**
     * @param type  element type
     * @param shape dims
     * @param waits receives the events a writer of the returned buffer must wait for
     * @return a tensor on a fresh or reused buffer
     */
    DeviceTensor allocate(DataType type, long[] shape, List<Ev> waits) {
        long bytes = dev.clinfer.api.Tensor.elementCount(shape) * type.byteSize();
        long cls = sizeClass(bytes);
        long max = context.device().maxAllocBytes();
        if (cls > max) {
            throw new DeviceException("tensor of " + type + " " + java.util.Arrays.toString(shape) + " needs " + bytes
                    + " bytes, over CL_DEVICE_MAX_MEM_ALLOC_SIZE (" + max + ") of " + context.device());
        }
        Entry e = null;
        ArrayDeque<Entry> q = free.get(cls);
        if (q != null) {
            for (Iterator<Entry> it = q.iterator(); it.hasNext(); ) {
                Entry c = it.next();
                if (c.reusable()) {
                    it.remove();
                    e = c;
                    break;
                }
            }
        }
        if (e != null) {
            for (CompletableFuture<Ev> p : e.pending) {
                if (!p.isCompletedExceptionally()) {
                    waits.add(p.join());
                }
            }
            waits.addAll(e.events);
            e.pending.clear();
            e.events.clear();
        } else {
            ClBuffer b;
            try {
                b = context.createBuffer(cls);
            } catch (ClException x) {
                if (!x.isOutOfMemory()) {
                    throw x;
                }
                trimIdle();
                b = context.createBuffer(cls);
            }
            allocatedBytes += cls;
            e = new Entry(b);
        }
        e.refs = 0;
        live.put(e.buffer, e);
        return new DeviceTensor(e.buffer, type, shape);
    }

    /** A value now views {@code t}'s buffer (buffers of other owners, e.g. weights, are ignored). */
    void retain(DeviceTensor t) {
        Entry e = live.get(t.buffer());
        if (e != null) {
            e.refs++;
        }
    }

    /** Commands that write or read {@code t}'s buffer: a later reuse waits for them. */
    void used(DeviceTensor t, List<Ev> events) {
        Entry e = live.get(t.buffer());
        if (e != null) {
            e.events.addAll(events);
        }
    }

    /** A download of {@code t} that its thread has not enqueued yet. */
    void pendingReader(DeviceTensor t, CompletableFuture<Ev> enqueued) {
        Entry e = live.get(t.buffer());
        if (e != null) {
            e.pending.add(enqueued);
        }
    }

    /** A value viewing {@code t}'s buffer died. */
    void release(DeviceTensor t) {
        Entry e = live.get(t.buffer());
        if (e != null && --e.refs <= 0) {
            live.remove(t.buffer());
            free.computeIfAbsent(t.buffer().size(), k -> new ArrayDeque<>()).addFirst(e);
        }
    }

    /**
     * End of a request, after every command of the slot has completed: every buffer goes back to
     * the free lists and their events are forgotten (the request releases them).
     */
    void reset() {
        for (Entry e : live.values()) {
            free.computeIfAbsent(e.buffer.size(), k -> new ArrayDeque<>()).addFirst(e);
        }
        live.clear();
        for (ArrayDeque<Entry> q : free.values()) {
            for (Entry e : q) {
                e.events.clear();
                e.pending.clear();
                e.refs = 0;
            }
        }
    }

    private void trimIdle() {
        for (ArrayDeque<Entry> q : free.values()) {
            for (Iterator<Entry> it = q.iterator(); it.hasNext(); ) {
                Entry e = it.next();
                if (e.events.isEmpty() && e.pending.isEmpty()) {
                    allocatedBytes -= e.buffer.size();
                    e.buffer.close();
                    it.remove();
                }
            }
        }
    }

    long allocatedBytes() {
        return allocatedBytes;
    }

    /** Frees every buffer (the slot's queues must be finished). */
    @Override
    public void close() {
        reset();
        for (ArrayDeque<Entry> q : free.values()) {
            for (Entry e : q) {
                e.buffer.close();
            }
        }
        free.clear();
        allocatedBytes = 0;
    }
}
