package dev.clinfer.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner loops of {@link Pool2d} on the Vector API: C2 does not vectorise {@code Math.max} on
 * floats by itself, and the scalar intrinsic (with Java's NaN rules) costs several instructions
 * an element. Only code behind {@link dev.clinfer.cpu.GemmKernel#VECTOR} may name this class.
 */
final class PoolVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Lanes 0..L/2-1 take the even lanes of a vector, the rest the odd ones. */
    private static final VectorShuffle<Float> EVENS_FIRST = VectorShuffle.fromOp(S,
            i -> i < L / 2 ? 2 * i : 2 * (i - L / 2) + 1);
    /** Lanes 0..L/2-1 take the odd lanes of a vector, the rest the even ones. */
    private static final VectorShuffle<Float> ODDS_FIRST = VectorShuffle.fromOp(S,
            i -> i < L / 2 ? 2 * i + 1 : 2 * (i - L / 2));

    private PoolVector() {
    }

    /**
     * {@code halves[k] = row[2k]} for {@code 2k < w} and {@code halves[half + k] = row[2k + 1]}
     * for {@code 2k + 1 < w}. Each step splits L values with two single-vector rearranges and
     * full stores whose high lanes the next steps overwrite; steps stop while that spill still
     * lands on positions written later ({@code k + L <= w / 2}), and the rest runs scalar.
     */
    static void deinterleave(float[] row, int w, float[] halves, int half) {
        int pairs = w >> 1;
        int k = 0;
        for (; k + L <= pairs; k += L / 2) {
            FloatVector v = FloatVector.fromArray(S, row, 2 * k);
            v.rearrange(EVENS_FIRST).intoArray(halves, k);
            v.rearrange(ODDS_FIRST).intoArray(halves, half + k);
        }
        for (; 2 * k < w; k++) {
            halves[k] = row[2 * k];
            if (2 * k + 1 < w) {
                halves[half + k] = row[2 * k + 1];
            }
        }
    }

    /** {@code out[ob + j] = max(out[ob + j], src[off + j])} for j in [lo, hi), NaN-propagating as Math.max. */
    static void maxInto(float[] out, int ob, float[] src, int off, int lo, int hi) {
        if (hi - lo < L) {
            for (int j = lo; j < hi; j++) {
                out[ob + j] = Math.max(out[ob + j], src[off + j]);
            }
            return;
        }
        for (int j = lo; j < hi; j += L) {
            // The last vector overlaps the one before it: max is idempotent, so that is harmless.
            int o = Math.min(j, hi - L);
            FloatVector.fromArray(S, out, ob + o).max(FloatVector.fromArray(S, src, off + o)).intoArray(out, ob + o);
        }
    }
}
