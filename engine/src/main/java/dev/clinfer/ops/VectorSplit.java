package dev.clinfer.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Splits runs of column pairs into their even and odd columns on the Vector API (stride-2 pooling
 * and depthwise convolution read each half contiguously). Only code behind
 * {@link dev.clinfer.cpu.GemmKernel#VECTOR} may name this class.
 */
final class VectorSplit {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Half of {@link #S} as ints: one lane per column pair after narrowing. */
    private static final VectorSpecies<Integer> HALF = VectorSpecies.of(int.class,
            VectorShape.forBitSize(S.vectorBitSize() / 2));

    private VectorSplit() {
    }

    /**
     * For each pair k in [k0, k1): {@code out[even + k] = x[base + 2k]} and
     * {@code out[odd + k] = x[base + 2k + 1]}. Each vector step reads L values as L/2 longs, one
     * per pair (the Vector API reinterprets in little-endian order on every platform, so the even
     * column is the low half), and narrows them twice (L2I of the long, and of it shifted right
     * 32 bits): one instruction each on AVX-512, about twice as fast as two lane shuffles. The
     * rest runs scalar.
     *
     * @param x    source
     * @param base index of column 0 of the pairs (pair k starts at {@code base + 2k})
     * @param out  destination of both halves
     * @param even index of pair 0's even column in {@code out}
     * @param odd  index of pair 0's odd column in {@code out}
     * @param k0   first pair
     * @param k1   one past the last pair
     */
    static void pairs(float[] x, int base, float[] out, int even, int odd, int k0, int k1) {
        int k = k0;
        for (; k + L / 2 <= k1; k += L / 2) {
            LongVector v = FloatVector.fromArray(S, x, base + 2 * k).reinterpretAsLongs();
            ((IntVector) v.convertShape(VectorOperators.L2I, HALF, 0)).reinterpretAsFloats().intoArray(out, even + k);
            ((IntVector) v.lanewise(VectorOperators.LSHR, 32).convertShape(VectorOperators.L2I, HALF, 0))
                    .reinterpretAsFloats().intoArray(out, odd + k);
        }
        for (; k < k1; k++) {
            out[even + k] = x[base + 2 * k];
            out[odd + k] = x[base + 2 * k + 1];
        }
    }

    /**
     * {@code out[off + k] = x[base + 2k]} for k in [k0, k1): every second element, as the even
     * half of {@link #pairs}. Reads nothing past {@code x[base + 2(k1 - 1)]}: the vector steps
     * stop one pair early, since each reads the odd column of its last pair too.
     *
     * @param x    source
     * @param base index of element 0
     * @param out  destination
     * @param off  index of element 0 in {@code out}
     * @param k0   first element
     * @param k1   one past the last element
     */
    static void evens(float[] x, int base, float[] out, int off, int k0, int k1) {
        int k = k0;
        for (; k + L / 2 < k1; k += L / 2) {
            ((IntVector) FloatVector.fromArray(S, x, base + 2 * k).reinterpretAsLongs()
                    .convertShape(VectorOperators.L2I, HALF, 0)).reinterpretAsFloats().intoArray(out, off + k);
        }
        for (; k < k1; k++) {
            out[off + k] = x[base + 2 * k];
        }
    }
}
