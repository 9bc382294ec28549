package dev.clinfer.cpu;

import dev.clinfer.api.Tensor;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Packed forms of constant GEMM operands (Conv, MatMul and Gemm weights), made once per weight
 * instead of on every call.
 *
 * <p>Only storage marked constant by {@link #markConstant} is cached: the execution plan marks
 * the graph's initializers. Anything else (activations in recycled pool buffers, user inputs a
 * caller may refill between runs) could change under the same identity, so it is never cached.
 * Entries are keyed by the identity of {@link Tensor#storageKey()} (weakly: they go when the
 * model goes) plus a caller key naming the packing (shape, transpose, layout). The total is
 * bounded by {@code -Dclinfer.weightCacheMb} (default 1024); past it, packing happens per call.
 */
public final class GemmWeightCache {
    private static final long LIMIT_FLOATS = Long.getLong("clinfer.weightCacheMb", 1024L) << 18;

    private static final ReferenceQueue<Object> QUEUE = new ReferenceQueue<>();
    /** Storage identity -> packings of it by caller key. Guarded by itself. */
    private static final Map<Object, Entry> MAP = new HashMap<>();
    private static long totalFloats;

    private GemmWeightCache() {
    }

    /** What a weak key holds. */
    private static final class Entry {
        final Map<Object, Object> packed = new HashMap<>();
        long floats;
    }

    /** A weak identity key; equal to a {@link Probe} or key of the same referent. */
    private static final class WeakKey extends WeakReference<Object> {
        private final int hash;

        WeakKey(Object referent) {
            super(referent, QUEUE);
            hash = System.identityHashCode(referent);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            Object r = get();
            if (r == null) {
                return false;
            }
            if (o instanceof WeakKey) {
                return r == ((WeakKey) o).get();
            }
            return o instanceof Probe && r == ((Probe) o).referent;
        }
    }

    /** A strong, short-lived key for lookups. */
    private static final class Probe {
        final Object referent;

        Probe(Object referent) {
            this.referent = referent;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(referent);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WeakKey ? ((WeakKey) o).get() == referent
                    : o instanceof Probe && ((Probe) o).referent == referent;
        }
    }

    /**
     * Declares a tensor's elements constant for the life of the tensor (a graph initializer).
     *
     * @param t the tensor (strings and empty tensors are ignored)
     */
    public static void markConstant(Tensor t) {
        Object key = t == null ? null : t.storageKey();
        if (key == null) {
            return;
        }
        synchronized (MAP) {
            expunge();
            MAP.computeIfAbsent(new WeakKey(key), k -> new Entry());
        }
    }

    /**
     * @param t a tensor
     * @return whether its storage was marked constant
     */
    public static boolean isConstant(Tensor t) {
        if (t == null || t.storageKey() == null) {
            return false;
        }
        synchronized (MAP) {
            return MAP.containsKey(new Probe(t.storageKey()));
        }
    }

    /**
     * The packing {@code key} of constant tensor {@code t}, made by {@code make} at first use; for
     * a tensor not marked constant (or with the cache full), a fresh {@code make.get()}.
     *
     * @param t      the operand tensor
     * @param key    what packing (must have value equality: e.g. a String or a List)
     * @param floats rough size of the packing, for the bound
     * @param make   builds the packing
     * @param <T>    packing type
     * @return the packing
     */
    @SuppressWarnings("unchecked")
    public static <T> T get(Tensor t, Object key, long floats, Supplier<T> make) {
        Object storage = t == null ? null : t.storageKey();
        if (storage == null) {
            return make.get();
        }
        Probe probe = new Probe(storage);
        synchronized (MAP) {
            expunge();
            Entry e = MAP.get(probe);
            if (e == null) {
                return make.get();
            }
            Object v = e.packed.get(key);
            if (v != null) {
                return (T) v;
            }
        }
        // Pack outside the lock; a concurrent first use may pack twice, and the first stored wins.
        T made = make.get();
        synchronized (MAP) {
            Entry e = MAP.get(probe);
            if (e == null) {
                return made;
            }
            Object v = e.packed.get(key);
            if (v != null) {
                return (T) v;
            }
            if (totalFloats + floats > LIMIT_FLOATS) {
                return made;
            }
            e.packed.put(key, made);
            e.floats += floats;
            totalFloats += floats;
            return made;
        }
    }

    /** @return floats held by cached packings (for tests and diagnostics) */
    public static long cachedFloats() {
        synchronized (MAP) {
            expunge();
            return totalFloats;
        }
    }

    private static void expunge() {
        for (Object r; (r = QUEUE.poll()) != null; ) {
            Entry e = MAP.remove(r);
            if (e != null) {
                totalFloats -= e.floats;
            }
        }
    }
}
