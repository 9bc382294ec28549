package dev.clinfer.cpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Recycles the direct buffers of activations: when the memory plan says a value's last reader
 * has run, its buffer comes back here and serves a later allocation of a similar size, in this
 * request or the next. Sizes are rounded up to classes of 1/8 of a power of two, so reuse
 * wastes at most 12.5 %. Thread-safe; shared by the concurrent runs of one session.
 */
public final class BufferPool {
    private static final int MIN_POOLED = 1024;
    private static final byte[] ZEROS = new byte[64 * 1024];

    private final ConcurrentHashMap<Integer, ConcurrentLinkedDeque<ByteBuffer>> free = new ConcurrentHashMap<>();
    private final long maxRetainedBytes;
    private final AtomicLong retained = new AtomicLong();
    private final AtomicLong outstanding = new AtomicLong();
    private final AtomicLong allocations = new AtomicLong();
    private final AtomicLong reuses = new AtomicLong();
    private final AtomicLong outstandingBytes = new AtomicLong();
    private volatile long limitBytes = Long.MAX_VALUE;
    private volatile String limitOwner = "";

    /** @param maxRetainedBytes most bytes kept idle in the pool; beyond that, released buffers are dropped */
    public BufferPool(long maxRetainedBytes) {
        this.maxRetainedBytes = maxRetainedBytes;
    }

    /**
     * Caps the bytes this pool may hold (handed out plus idle) at once; growing past it throws a
     * {@link dev.clinfer.api.MemoryBudgetException} naming {@code owner}.
     *
     * @param bytes the cap
     * @param owner what the cap comes from, for the message (e.g. "memory budget of 64 MB less 40 MB of initializers")
     */
    public void limit(long bytes, String owner) {
        this.limitBytes = bytes;
        this.limitOwner = owner;
    }

    /** @return bytes of buffers handed out and neither released nor forgotten */
    public long outstandingBytes() {
        return outstandingBytes.get();
    }

    /** @param bytes requested size @return the size class that serves it */
    static int sizeClass(int bytes) {
        if (bytes <= MIN_POOLED) {
            return MIN_POOLED;
        }
        int hi = Integer.highestOneBit(bytes - 1) << 1; // next power of two
        int step = Math.max(hi / 16, 1);
        long c = ((long) bytes + step - 1) / step * step;
        return (int) Math.min(c, Integer.MAX_VALUE - 8);
    }

    /**
     * @param bytes size needed
     * @return a zero-filled direct buffer whose capacity is at least {@code bytes}
     */
    public ByteBuffer acquire(int bytes) {
        return acquire(bytes, true);
    }

    /**
     * @param bytes size needed
     * @param zero  whether a recycled buffer is zero-filled; false leaves its old contents, for
     *              callers that overwrite all {@code bytes} (fresh buffers are zero either way)
     * @return a direct buffer whose capacity is at least {@code bytes}
     */
    public ByteBuffer acquire(int bytes, boolean zero) {
        int cls = sizeClass(bytes);
        ConcurrentLinkedDeque<ByteBuffer> q = free.get(cls);
        ByteBuffer b = q == null ? null : q.pollFirst();
        outstanding.incrementAndGet();
        if (b != null) {
            retained.addAndGet(-b.capacity());
            outstandingBytes.addAndGet(b.capacity());
            reuses.incrementAndGet();
            if (zero) {
                zero(b, bytes);
            }
            return b.clear();
        }
        if (limitBytes != Long.MAX_VALUE && outstandingBytes.get() + retained.get() + cls > limitBytes) {
            clear(); // idle buffers of other sizes count against the cap: drop them first
            if (outstandingBytes.get() + cls > limitBytes) {
                outstanding.decrementAndGet();
                throw new dev.clinfer.api.MemoryBudgetException("activation memory would grow to "
                        + (outstandingBytes.get() + cls) + " bytes, past " + limitBytes + " bytes (" + limitOwner + ")",
                        limitBytes, outstandingBytes.get() + cls);
            }
        }
        allocations.incrementAndGet();
        outstandingBytes.addAndGet(cls);
        return ByteBuffer.allocateDirect(cls).order(ByteOrder.nativeOrder());
    }

    /** @param b a buffer from {@link #acquire} that nobody reads any more */
    public void release(ByteBuffer b) {
        outstanding.decrementAndGet();
        outstandingBytes.addAndGet(-b.capacity());
        if (retained.get() + b.capacity() > maxRetainedBytes) {
            return;
        }
        retained.addAndGet(b.capacity());
        free.computeIfAbsent(b.capacity(), k -> new ConcurrentLinkedDeque<>()).addFirst(b);
    }

    /** A buffer from {@link #acquire} left the engine for good (it became a result). */
    public void forget() {
        outstanding.decrementAndGet();
    }

    /** @param b a buffer from {@link #acquire} that left the engine for good (it became a result) */
    public void forget(ByteBuffer b) {
        outstanding.decrementAndGet();
        outstandingBytes.addAndGet(-b.capacity());
    }

    private static void zero(ByteBuffer b, int bytes) {
        ByteBuffer d = b.duplicate().clear();
        int left = bytes;
        while (left > 0) {
            int n = Math.min(left, ZEROS.length);
            d.put(ZEROS, 0, n);
            left -= n;
        }
    }

    /** @return buffers handed out and not yet released */
    public long outstanding() {
        return outstanding.get();
    }

    /** @return bytes held idle for reuse */
    public long retainedBytes() {
        return retained.get();
    }

    /** @return fresh allocations made */
    public long allocations() {
        return allocations.get();
    }

    /** @return allocations served by a recycled buffer */
    public long reuses() {
        return reuses.get();
    }

    /** Drops every idle buffer. */
    public void clear() {
        free.clear();
        retained.set(0);
    }
}
