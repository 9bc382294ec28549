package dev.clinfer.ops;

/**
 * Per-thread reusable float arrays for kernels that stage tensors in {@code float[]} (the GEMM
 * takes arrays, tensors live in buffers). Gemm's A copy and C result were 56% of the bytes
 * MiniLM-L6 allocated per request; reusing them cuts GC work and the zeroing of fresh arrays.
 *
 * <p>{@link #take} empties the slot while the array is in use, so a nested caller of the same
 * slot gets a fresh array instead of sharing it; {@link #give} puts it back. An array may be
 * longer than asked for: callers pass explicit lengths and offsets.
 */
final class FloatScratch {
    /** Slot of a GEMM's A operand. */
    static final int GEMM_A = 0;
    /** Slot of a GEMM's C result. */
    static final int GEMM_C = 1;
    private static final int SLOTS = 2;
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
}
