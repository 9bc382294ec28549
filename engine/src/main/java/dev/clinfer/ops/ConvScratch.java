package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;

/**
 * Per-thread reusable {@code float[]} buffers for the float Conv kernels' input and output.
 *
 * <p>Tensors live in direct buffers while the kernels work on heap arrays, so a Conv copies its
 * input in and its result out. Allocating those arrays afresh on every call made the JVM zero
 * them first (another pass over memory per tensor) and fed the garbage collector megabytes per
 * layer; reusing them leaves only the copies. The arrays may be longer than asked for and hold
 * stale values: kernels index them by geometry, never by {@code length}, and write every output
 * element. A buffer is only valid until the same thread asks for the same slot again, which
 * happens no earlier than its next Conv (pool workers only read and write the caller's arrays).
 */
final class ConvScratch {
    /** Arrays larger than this (floats) are not kept, so an odd huge layer does not pin memory. */
    private static final int MAX_KEPT = 1 << 23;
    private static final int INPUT = 0;
    private static final int OUTPUT = 1;
    private static final ThreadLocal<float[][]> SLOTS = ThreadLocal.withInitial(() -> new float[2][]);

    private ConvScratch() {
    }

    /**
     * @param x a float tensor (other float types are converted)
     * @return its elements, in this thread's input buffer when x is float32
     */
    static float[] input(Tensor x) {
        if (x.dataType() != DataType.FLOAT) {
            return x.toFloatArray();
        }
        int n = x.numel();
        float[] a = slot(INPUT, n);
        x.floats().get(0, a, 0, n);
        return a;
    }

    /**
     * @param n elements needed
     * @return this thread's output buffer, at least {@code n} long, contents undefined
     */
    static float[] output(int n) {
        return slot(OUTPUT, n);
    }

    private static float[] slot(int which, int n) {
        if (n > MAX_KEPT) {
            return new float[n];
        }
        float[][] s = SLOTS.get();
        float[] a = s[which];
        if (a == null || a.length < n) {
            // Some headroom, so a slightly larger next layer does not reallocate.
            a = new float[Math.min(MAX_KEPT, Math.max(n, n + (n >> 2)))];
            s[which] = a;
        }
        return a;
    }
}
