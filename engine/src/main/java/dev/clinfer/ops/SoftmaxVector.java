package dev.clinfer.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static dev.clinfer.ops.SoftmaxKernel.C1;
import static dev.clinfer.ops.SoftmaxKernel.C2;
import static dev.clinfer.ops.SoftmaxKernel.EXP_LO;
import static dev.clinfer.ops.SoftmaxKernel.LOG2E;
import static dev.clinfer.ops.SoftmaxKernel.P0;
import static dev.clinfer.ops.SoftmaxKernel.P1;
import static dev.clinfer.ops.SoftmaxKernel.P2;
import static dev.clinfer.ops.SoftmaxKernel.P3;
import static dev.clinfer.ops.SoftmaxKernel.P4;
import static dev.clinfer.ops.SoftmaxKernel.P5;
import static dev.clinfer.ops.SoftmaxKernel.ROUND;
import static dev.clinfer.ops.SoftmaxKernel.ROUND_BITS;

/**
 * The Vector API form of {@link SoftmaxKernel}'s row: max, exp and scale lane-wise, the tail of a
 * row with the scalar loops. Uses only the preferred float species, the GEMM's (a second float
 * shape made C2 compile the GEMM without intrinsics; see {@link GeluKernel}).
 *
 * <p>Only code behind {@link dev.clinfer.cpu.GemmKernel#VECTOR} may name this class.
 */
final class SoftmaxVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private SoftmaxVector() {
    }

    /**
     * Softmax of {@code x[o .. o + n)} plus {@code mask[mo .. mo + n)} (when not null), in place.
     *
     * @param x    data
     * @param o    row offset
     * @param n    row length
     * @param mask additive mask, or null
     * @param mo   mask offset
     */
    static void row(float[] x, int o, int n, float[] mask, int mo) {
        int full = n - n % L;
        float max = Float.NEGATIVE_INFINITY;
        if (full > 0) {
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int j = 0; j < full; j += L) {
                FloatVector v = FloatVector.fromArray(S, x, o + j);
                if (mask != null) {
                    v = v.add(FloatVector.fromArray(S, mask, mo + j));
                    v.intoArray(x, o + j);
                }
                m = m.max(v);
            }
            max = m.reduceLanes(VectorOperators.MAX);
        }
        max = SoftmaxKernel.addMaskAndMax(x, o, full, n, mask, mo, max);
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < full; j += L) {
            FloatVector e = exp(FloatVector.fromArray(S, x, o + j).sub(max));
            e.intoArray(x, o + j);
            acc = acc.add(e);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD) + SoftmaxKernel.expShifted(x, o, full, n, max);
        float inv = 1f / sum;
        for (int j = 0; j < full; j += L) {
            FloatVector.fromArray(S, x, o + j).mul(inv).intoArray(x, o + j);
        }
        SoftmaxKernel.scale(x, o, full, n, inv);
    }

    /** Lane-wise {@link SoftmaxKernel#exp}. */
    private static FloatVector exp(FloatVector x) {
        FloatVector c = x.max(EXP_LO);
        FloatVector t = c.fma(LOG2E, ROUND);
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(S, -C1), c);
        r = n.fma(FloatVector.broadcast(S, -C2), r);
        FloatVector p = r.fma(P0, P1);
        p = p.fma(r, FloatVector.broadcast(S, P2));
        p = p.fma(r, FloatVector.broadcast(S, P3));
        p = p.fma(r, FloatVector.broadcast(S, P4));
        p = p.fma(r, FloatVector.broadcast(S, P5));
        FloatVector e = p.fma(r.mul(r), r).add(1f);
        IntVector bits = ((IntVector) t.reinterpretAsInts()).add(127 - ROUND_BITS).lanewise(VectorOperators.LSHL, 23);
        FloatVector pow2 = (FloatVector) bits.reinterpretAsFloats();
        return e.mul(pow2).blend(0f, x.compare(VectorOperators.LT, EXP_LO));
    }
}
