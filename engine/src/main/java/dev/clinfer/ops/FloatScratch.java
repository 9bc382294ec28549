package dev.clinfer.ops;

import java.nio.FloatBuffer;

/**
 * Per-thread reusable float arrays for kernels that stage tensors in {@code float[]} (the GEMM and
 * the Conv kernels take arrays, tensors live in direct buffers). Allocating those arrays afresh on
 * every call made the JVM zero them first (another pass over memory per tensor) and fed the garbage
 * collector megabytes per layer: Gemm's A copy and C result were 56% of the bytes MiniLM-L6
 * allocated per request. An array may be longer than asked for and hold stale values: callers pass
 * explicit lengths and offsets, and write every output element.
 *
 * <p>Two ways to hold one: {@link #take}/{@link #give} empty the slot while the array is in use, so
 * a nested caller of the same slot gets a fresh array; {@link #convInput}/{@link #convOutput} leave
 * it in its slot, valid until the same thread's next Conv (pool workers only read and write the
 * caller's arrays).
 */
final class FloatScratch {
    /** Slot of a GEMM's A operand. */
    static final int GEMM_A = 0;
    /** Slot of a GEMM's C result. */
    static final int GEMM_C = 1;
    private static final int CONV_INPUT = 2;
    private static final int CONV_OUTPUT = 3;
    private static final int SLOTS = 4;
    /** Larger arrays are not kept (16 M floats, 64 MB), so one big request does not pin memory. */
    private static final int MAX_KEPT = 1 << 24;
    private static final ThreadLocal<float[][]> SPARE = ThreadLocal.withInitial(() -> new float[SLOTS][]);

    private FloatScratch() {
    }

    /**
     * @param slot which spare
     * @param size floats needed
     * @return an array of at least size floats, contents undefined
     */
    static float[] take(int slot, int size) {
        float[][] spare = SPARE.get();
        float[] a = spare[slot];
        if (a != null && a.length >= size) {
            spare[slot] = null;
            return a;
        }
        return new float[size];
    }

    /**
     * @param slot which spare
     * @param a    an array from {@link #take}, no longer used by the caller
     */
    static void give(int slot, float[] a) {
        if (a.length <= MAX_KEPT) {
            SPARE.get()[slot] = a;
        }
    }

    /**
     * @param x float values (a tensor's buffer, or a wrapped array)
     * @param n how many are needed
     * @return the first n as an array: x's own when it wraps one, else this thread's Conv input
     *         array holding a copy
     */
    static float[] convInput(FloatBuffer x, int n) {
        if (x.hasArray() && x.arrayOffset() == 0) {
            return x.array();
        }
        float[] a = kept(CONV_INPUT, n);
        x.get(0, a, 0, n);
        return a;
    }

    /**
     * @param y where the output goes (a tensor's buffer, or a wrapped array)
     * @param n elements needed
     * @return y's own array when it wraps one, else this thread's Conv output array (the caller
     *         stores it into y)
     */
    static float[] convOutput(FloatBuffer y, int n) {
        return y.hasArray() && y.arrayOffset() == 0 ? y.array() : convOutput(n);
    }

    /**
     * @param n elements needed
     * @return this thread's Conv output array, at least {@code n} long, contents undefined
     */
    static float[] convOutput(int n) {
        return kept(CONV_OUTPUT, n);
    }

    private static float[] kept(int slot, int n) {
        if (n > MAX_KEPT) {
            return new float[n];
        }
        float[][] s = SPARE.get();
        float[] a = s[slot];
        if (a == null || a.length < n) {
            // Some headroom, so a slightly larger next layer does not reallocate.
            a = new float[Math.min(MAX_KEPT, Math.max(n, n + (n >> 2)))];
            s[slot] = a;
        }
        return a;
    }
}
