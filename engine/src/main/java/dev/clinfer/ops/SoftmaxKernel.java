package dev.clinfer.ops;

import dev.clinfer.cpu.GemmKernel;

/**
 * Row softmax for the attention kernel, with a float exp (Cephes' expf: Cody-Waite range
 * reduction, a degree-6 polynomial, 2^n built from the exponent bits), within 2 ulp of
 * {@link Math#exp} on the range softmax feeds it (x - max &lt;= 0). {@link Math#exp} is a
 * scalar call per score; at sequence 128 MiniLM-L6 takes 1.2 M of them per request. The
 * scalar loops here and {@link SoftmaxVector} do the same float operations, so a row's result
 * does not depend on which lanes took the vector path; only the order of the row sum differs.
 */
final class SoftmaxKernel {
    /** Below this exp(x) is under the smallest normal float: the result is 0. */
    static final float EXP_LO = -87.33654f;
    static final float LOG2E = 1.44269504088896341f;
    /** 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits. */
    static final float ROUND = 12582912f;
    static final int ROUND_BITS = 0x4B400000;
    static final float C1 = 0.693359375f;
    static final float C2 = -2.12194440e-4f;
    static final float P0 = 1.9875691500e-4f;
    static final float P1 = 1.3981999507e-3f;
    static final float P2 = 8.3334519073e-3f;
    static final float P3 = 4.1665795894e-2f;
    static final float P4 = 1.6666665459e-1f;
    static final float P5 = 5.0000001201e-1f;

    private SoftmaxKernel() {
    }

    /**
     * Softmax over each row of a [rows, cols] matrix, in place, max-subtracted as ONNX defines it,
     * after adding an optional mask whose rows are contiguous.
     *
     * @param x          the matrix
     * @param rows       rows
     * @param cols       columns
     * @param mask       additive mask, or null
     * @param maskOff    mask offset of row 0's first element
     * @param maskStride mask offset between rows (0 when one mask row serves all)
     */
    static void rows(float[] x, int rows, int cols, float[] mask, int maskOff, int maskStride) {
        for (int i = 0; i < rows; i++) {
            int o = i * cols;
            int mo = maskOff + i * maskStride;
            if (GemmKernel.VECTOR) {
                SoftmaxVector.row(x, o, cols, mask, mo);
            } else {
                row(x, o, cols, mask, mo);
            }
        }
    }

    private static void row(float[] x, int o, int n, float[] mask, int mo) {
        float max = addMaskAndMax(x, o, 0, n, mask, mo, Float.NEGATIVE_INFINITY);
        float sum = expShifted(x, o, 0, n, max);
        scale(x, o, 0, n, 1f / sum);
    }

    /** Adds mask (when not null) to x[o + j] for j in [from, n); returns the max of max and them. */
    static float addMaskAndMax(float[] x, int o, int from, int n, float[] mask, int mo, float max) {
        for (int j = from; j < n; j++) {
            float v = mask == null ? x[o + j] : x[o + j] + mask[mo + j];
            x[o + j] = v;
            max = Math.max(max, v);
        }
        return max;
    }

    /** x[o + j] = exp(x[o + j] - max) for j in [from, n); returns their sum. */
    static float expShifted(float[] x, int o, int from, int n, float max) {
        float sum = 0f;
        for (int j = from; j < n; j++) {
            float e = exp(x[o + j] - max);
            x[o + j] = e;
            sum += e;
        }
        return sum;
    }

    /** x[o + j] *= f for j in [from, n). */
    static void scale(float[] x, int o, int from, int n, float f) {
        for (int j = from; j < n; j++) {
            x[o + j] *= f;
        }
    }

    /**
     * exp for x &lt;= 0 (softmax's shifted scores); NaN stays NaN, below {@link #EXP_LO} gives 0.
     *
     * @param x argument, at most 0 (larger values lose accuracy past 2^127)
     * @return e^x
     */
    static float exp(float x) {
        float c = Math.max(x, EXP_LO);
        float t = Math.fma(c, LOG2E, ROUND);
        float n = t - ROUND;
        float r = Math.fma(n, -C1, c);
        r = Math.fma(n, -C2, r);
        float p = Math.fma(P0, r, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float e = Math.fma(p, r * r, r) + 1f;
        float pow2 = Float.intBitsToFloat((Float.floatToRawIntBits(t) - ROUND_BITS + 127) << 23);
        return x < EXP_LO ? 0f : e * pow2;
    }
}
