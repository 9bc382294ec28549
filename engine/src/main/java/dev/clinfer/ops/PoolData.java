package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;

/**
 * Moves elements between tensors and Java arrays for the pooling, normalisation and resize
 * kernels: float32 goes through {@code float[]} (the fast path), every other type through
 * {@code double[]}.
 */
final class PoolData {
    private PoolData() {
    }

    /** @param t a tensor @return true when the float32 fast path applies */
    static boolean isFloat(Tensor t) {
        return t.dataType() == DataType.FLOAT;
    }

    /**
     * Writes {@code v} into {@code t}, converting to its element type.
     *
     * @param t destination (any numeric type)
     * @param v values, one per element
     */
    static void store(Tensor t, double[] v) {
        if (t.dataType() == DataType.DOUBLE) {
            t.doubles().put(v);
        } else if (t.dataType() == DataType.FLOAT) {
            java.nio.FloatBuffer b = t.floats();
            for (int i = 0; i < v.length; i++) {
                b.put(i, (float) v[i]);
            }
        } else {
            for (int i = 0; i < v.length; i++) {
                t.setDouble(i, v[i]);
            }
        }
    }

    /**
     * Writes {@code v} into a float32 tensor.
     *
     * @param t destination
     * @param v values
     */
    static void store(Tensor t, float[] v) {
        t.floats().put(v);
    }
}
