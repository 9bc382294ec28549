package dev.clinfer.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One float32 LayerNormalization row on the Vector API, for rows whose scale and bias have
 * exactly one element per column (the transformer case). Sums run in float lanes (each lane adds
 * cols / L elements, 24 at MiniLM's 384 with 16 lanes) and are then combined, two passes
 * (mean, then centred squares) as the scalar path does; the result is within a few float ulp of
 * the double-accumulated scalar one. Uses only the GEMM's float species (see {@link GeluKernel}).
 *
 * <p>Only code behind {@link dev.clinfer.cpu.GemmKernel#VECTOR} may name this class.
 */
final class LayerNormVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private LayerNormVector() {
    }

    /**
     * Normalises {@code x[0 .. cols)} into {@code y} (may be x).
     *
     * @param x     row
     * @param y     output row
     * @param cols  row length
     * @param scale per-column scale
     * @param bias  per-column bias, or null
     * @param eps   epsilon
     * @param stats receives {mean, 1 / sqrt(var + eps)}
     */
    static void row(float[] x, float[] y, int cols, float[] scale, float[] bias, double eps, double[] stats) {
        int full = cols - cols % L;
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < full; i += L) {
            acc = acc.add(FloatVector.fromArray(S, x, i));
        }
        double sum = reduce(acc);
        for (int i = full; i < cols; i++) {
            sum += x[i];
        }
        double mean = sum / cols;
        float meanF = (float) mean;
        acc = FloatVector.zero(S);
        for (int i = 0; i < full; i += L) {
            FloatVector d = FloatVector.fromArray(S, x, i).sub(meanF);
            acc = d.fma(d, acc);
        }
        double sq = reduce(acc);
        for (int i = full; i < cols; i++) {
            double d = x[i] - mean;
            sq += d * d;
        }
        double inv = 1 / Math.sqrt(sq / cols + eps);
        stats[0] = mean;
        stats[1] = inv;
        float invF = (float) inv;
        for (int i = 0; i < full; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i).sub(meanF).mul(invF).mul(FloatVector.fromArray(S, scale, i));
            if (bias != null) {
                v = v.add(FloatVector.fromArray(S, bias, i));
            }
            v.intoArray(y, i);
        }
        for (int i = full; i < cols; i++) {
            double v = (x[i] - mean) * inv * scale[i];
            y[i] = (float) (bias == null ? v : v + bias[i]);
        }
    }

    private static double reduce(FloatVector v) {
        return v.reduceLanes(VectorOperators.ADD);
    }
}
