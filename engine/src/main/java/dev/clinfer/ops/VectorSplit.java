package dev.clinfer.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Splits runs of column pairs into their even and odd columns on the Vector API (stride-2 pooling
 * and depthwise convolution read each half contiguously). Every vector here is of the preferred
 * species: a second FloatVector species (a half-width one from narrowing longs to ints was tried)
 * shares FloatVector's methods and their type profiles with the GEMM micro-kernel, and a
 * bimorphic profile there made C2 drop the kernel's store intrinsics (the Java path ran 8-14x
 * slower for that JVM's life). Only code behind
 * {@link dev.clinfer.cpu.GemmKernel#VECTOR} may name this class.
 */
final class VectorSplit {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Lanes 0..L/2-1 take the even lanes of a vector, the rest the odd ones. */
    static final VectorShuffle<Float> EVENS_FIRST = VectorShuffle.fromOp(S,
            i -> i < L / 2 ? 2 * i : 2 * (i - L / 2) + 1);
    /** Lanes 0..L/2-1 take the odd lanes of a vector, the rest the even ones. */
    private static final VectorShuffle<Float> ODDS_FIRST = VectorShuffle.fromOp(S,
            i -> i < L / 2 ? 2 * i + 1 : 2 * (i - L / 2));

    private VectorSplit() {
    }

    /**
     * For each pair k in [k0, k1): {@code out[even + k] = x[base + 2k]} and
     * {@code out[odd + k] = x[base + 2k + 1]}. Each vector step splits L values with two
     * single-vector rearranges and full stores whose high lanes spill over the next step's
     * positions; steps stop while that spill still lands inside [k0, k1) ({@code k + L <= k1}),
     * so nothing past either run is written, and the rest runs scalar.
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
        for (; k + L <= k1; k += L / 2) {
            FloatVector v = FloatVector.fromArray(S, x, base + 2 * k);
            v.rearrange(EVENS_FIRST).intoArray(out, even + k);
            v.rearrange(ODDS_FIRST).intoArray(out, odd + k);
        }
        for (; k < k1; k++) {
            out[even + k] = x[base + 2 * k];
            out[odd + k] = x[base + 2 * k + 1];
        }
    }

    /**
     * {@code out[off + k] = x[base + 2k]} for k in [k0, k1): every second element, the even half
     * of {@link #pairs}, with the same spilling full stores (steps stop while the spill still
     * lands inside the run, so nothing past {@code out[off + k1)} is written, and no read goes
     * past {@code x[base + 2(k1 - 1)]}).
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
        for (; k + L <= k1; k += L / 2) {
            FloatVector.fromArray(S, x, base + 2 * k).rearrange(EVENS_FIRST).intoArray(out, off + k);
        }
        for (; k < k1; k++) {
            out[off + k] = x[base + 2 * k];
        }
    }
}
