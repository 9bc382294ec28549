package dev.clinfer.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import static dev.clinfer.ops.GeluKernel.A1;
import static dev.clinfer.ops.GeluKernel.A11;
import static dev.clinfer.ops.GeluKernel.A13;
import static dev.clinfer.ops.GeluKernel.A3;
import static dev.clinfer.ops.GeluKernel.A5;
import static dev.clinfer.ops.GeluKernel.A7;
import static dev.clinfer.ops.GeluKernel.A9;
import static dev.clinfer.ops.GeluKernel.B0;
import static dev.clinfer.ops.GeluKernel.B2;
import static dev.clinfer.ops.GeluKernel.B4;
import static dev.clinfer.ops.GeluKernel.B6;
import static dev.clinfer.ops.GeluKernel.B8;
import static dev.clinfer.ops.GeluKernel.CLAMP;
import static dev.clinfer.ops.GeluKernel.INV_SQRT_2;

/**
 * The Vector API form of {@link GeluKernel#gelu}: the same float operations, lane-wise. Uses only
 * the preferred float species, the one the GEMM uses (see {@link GeluKernel} for why).
 *
 * <p>Only code behind {@link dev.clinfer.cpu.GemmKernel#VECTOR} may name this class.
 */
final class GeluVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private GeluVector() {
    }

    /**
     * Applies GELU to whole vectors from the start of the block.
     *
     * @param s input
     * @param d output (may be s)
     * @param n length
     * @return how many leading elements were done (the caller finishes the tail)
     */
    static int apply(float[] s, float[] d, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector x = FloatVector.fromArray(S, s, i);
            FloatVector v = x.mul(INV_SQRT_2).min(CLAMP).max(-CLAMP);
            FloatVector v2 = v.mul(v);
            FloatVector p = v2.fma(A13, A11);
            p = v2.fma(p, FloatVector.broadcast(S, A9));
            p = v2.fma(p, FloatVector.broadcast(S, A7));
            p = v2.fma(p, FloatVector.broadcast(S, A5));
            p = v2.fma(p, FloatVector.broadcast(S, A3));
            p = v2.fma(p, FloatVector.broadcast(S, A1));
            FloatVector q = v2.fma(B8, B6);
            q = v2.fma(q, FloatVector.broadcast(S, B4));
            q = v2.fma(q, FloatVector.broadcast(S, B2));
            q = v2.fma(q, FloatVector.broadcast(S, B0));
            x.mul(0.5f).mul(p.mul(v).div(q).add(1f)).intoArray(d, i);
        }
        return i;
    }
}
