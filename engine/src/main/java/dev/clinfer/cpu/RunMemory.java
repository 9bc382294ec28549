package dev.clinfer.cpu;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;

import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Per-request bookkeeping of pooled activation buffers: counts how many live values view each
 * buffer and gives it back to the {@link BufferPool} when the count reaches zero.
 */
final class RunMemory {
    private static final class Entry {
        final ByteBuffer base;
        int refs;

        Entry(ByteBuffer base) {
            this.base = base;
        }
    }

    private final BufferPool pool;
    private final Map<Object, Entry> tracked = new IdentityHashMap<>();

    RunMemory(BufferPool pool) {
        this.pool = pool;
    }

    /**
     * @param zero whether a recycled buffer must be zero-filled; false only where the caller
     *             writes every element
     */
    synchronized Tensor allocate(DataType type, long[] shape, boolean zero) {
        long bytes = Tensor.elementCount(shape) * type.byteSize();
        if (pool == null || type == DataType.STRING || bytes < 256 || bytes > Tensor.MAX_BYTES) {
            return Tensor.allocate(type, shape);
        }
        ByteBuffer base = pool.acquire((int) bytes, zero);
        Tensor t = Tensor.wrap(type, base.duplicate().clear().limit((int) bytes), shape);
        tracked.put(t.storageKey(), new Entry(base));
        return t;
    }

    /**
     * A slot now holds {@code t}. The items of a sequence or optional leave the pool for good:
     * the container outlives the slots of its items, and nothing counts the containers' readers.
     */
    synchronized void retain(Tensor t) {
        if (t != null && t.isContainer()) {
            detachItems(t);
        } else if (t != null) {
            Entry e = tracked.get(t.storageKey());
            if (e != null) {
                e.refs++;
            }
        }
    }

    /** A slot holding {@code t} was cleared. */
    synchronized void release(Tensor t) {
        if (t == null) {
            return;
        }
        Entry e = tracked.get(t.storageKey());
        if (e != null && --e.refs <= 0) {
            tracked.remove(t.storageKey());
            pool.release(e.base);
        }
    }

    /** {@code t} leaves the engine (a result): its buffer is never recycled. */
    synchronized void detach(Tensor t) {
        if (t != null && t.isContainer()) {
            detachItems(t);
        } else if (t != null) {
            Entry e = tracked.remove(t.storageKey());
            if (e != null) {
                pool.forget(e.base);
            }
        }
    }

    private void detachItems(Tensor container) {
        for (Tensor item : container.items()) {
            detach(item);
        }
    }

    /** Returns every buffer still tracked (after a failure, or temporaries never stored in a slot). */
    synchronized void releaseAll() {
        for (Entry e : tracked.values()) {
            pool.release(e.base);
        }
        tracked.clear();
    }
}
