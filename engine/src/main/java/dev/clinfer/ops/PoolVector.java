package dev.clinfer.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner loops of {@link Pool2d} on the Vector API: C2 does not vectorise {@code Math.max} on
 * floats by itself, and the scalar intrinsic (with Java's NaN rules) costs several instructions
 * an element. Only code behind {@link dev.clinfer.cpu.GemmKernel#VECTOR} may name this class.
 */
final class PoolVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private PoolVector() {
    }

    /**
     * {@code halves[k] = row[2k]} for {@code 2k < w} and {@code halves[half + k] = row[2k + 1]}
     * for {@code 2k + 1 < w} (see {@link VectorSplit#pairs}).
     */
    static void deinterleave(float[] row, int w, float[] halves, int half) {
        int pairs = w >> 1;
        VectorSplit.pairs(row, 0, halves, 0, half, 0, pairs);
        if ((w & 1) != 0) {
            halves[pairs] = row[w - 1];
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
