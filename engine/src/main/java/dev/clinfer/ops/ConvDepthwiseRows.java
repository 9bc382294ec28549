package dev.clinfer.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.nio.FloatBuffer;

/**
 * Depthwise 3x3 convolution with padding 1 on the top and left and stride 1 or 2: every
 * depthwise layer of MobileNetV2. Each input plane is read with one bulk copy into a buffer
 * framed by a zero row above and below (and one float of slack at each end), and used as it is:
 * no zero-bordered or even/odd-split copy.
 *
 * <p>Rows at least one vector wide (112 down to 28 columns) run row by row. The left and right
 * padding columns are made in registers: the first vector of a row loads its left taps one float
 * early (lane 0 then holds the previous row's last column) and blends a zero into lane 0, the
 * last vector does the same for the last lane of its right taps; the vectors between are plain
 * loads. Narrower planes (14 and 7 columns) run flattened, whole vectors spanning several rows,
 * with the lanes in the first and last column found by comparing a column-index vector.
 *
 * <p>Stride 2 computes the stride-1 outputs of each needed row (columns are cheap in registers;
 * splitting every input row into even and odd columns was the dearer pass) and keeps the even
 * ones. Other kernels and paddings stay with {@link ConvDepthwiseVector}.
 *
 * <p>Only code behind {@link dev.clinfer.cpu.GemmKernel#VECTOR} may name this class. Every
 * vector is of the preferred species (see {@link VectorSplit} for why that matters).
 */
final class ConvDepthwiseRows {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorMask<Float> FIRST = VectorMask.fromLong(S, 1L);
    private static final VectorMask<Float> LAST = VectorMask.fromLong(S, 1L << (L - 1));

    private ConvDepthwiseRows() {
    }

    /**
     * @param g geometry of a depthwise conv ({@code cg == 1})
     * @return whether {@link #run} handles it
     */
    static boolean supports(ConvGeometry g) {
        if (g.dims != 2 || g.kernel[0] != 3 || g.kernel[1] != 3 || g.dilations[0] != 1 || g.dilations[1] != 1
                || g.padsBegin[0] != 1 || g.padsBegin[1] != 1 || g.strides[0] != g.strides[1]
                || (g.strides[0] != 1 && g.strides[0] != 2)) {
            return false;
        }
        int s = g.strides[0];
        // The last output's taps reach at most one past the input (one zero of padding).
        return g.out[0] >= 1 && g.out[1] >= 1 && (g.out[0] - 1) * s + 1 <= g.in[0]
                && (g.out[1] - 1) * s + 1 <= g.in[1];
    }

    /**
     * @param g    geometry ({@link #supports})
     * @param x    input
     * @param w    weights {@code [m, 1, 3, 3]}
     * @param bias per output channel, or null
     * @param ep   what follows the bias; what the kernel cannot clamp runs on each finished plane
     * @param y    output
     * @param ctx  pool
     */
    static void run(ConvGeometry g, FloatBuffer x, float[] w, float[] bias, ConvEpilogue ep, FloatBuffer y,
                    ExecContext ctx) {
        int h = g.in[0];
        int wd = g.in[1];
        float lo = ep.kernelLo();
        float hi = ep.kernelHi();
        ConvEpilogue after = ep.afterKernel();
        boolean flat = wd < L;
        // Rows whose outputs are not the output row itself go through a scratch first.
        boolean direct = g.strides[0] == 1 && g.out[1] == wd;
        int flatRows = (g.out[0] - 1) * g.strides[0] + 1;
        ctx.parallelFor(g.n * g.m, 18L * g.outSize, (s, e) -> {
            // Zero row, the plane, zero row; the zeros are never written.
            // One float of slack at each end: an edge vector's outer tap loads one float past its row.
            // Flattened planes also read up to a vector past the last row.
            float[] buf = new float[(h + 2) * wd + 2 + (flat ? L : 0)];
            float[] row = direct ? null : new float[flat ? flatRows * wd + L : wd + L];
            float[] cols = flat ? columns(wd, flatRows * wd + L) : null;
            float[] yPlane = new float[g.outSize + L];
            float[] tmp = ep.sum == null ? null : new float[g.outSize];
            for (int p = s; p < e; p++) {
                int img = p / g.m;
                int oc = p % g.m;
                int ch = oc / g.mg;
                x.get((img * g.c + ch) * g.inSize, buf, 1 + wd, g.inSize);
                float b = bias == null ? 0f : bias[oc];
                if (flat) {
                    flatPlane(g, buf, cols, w, oc * 9, b, lo, hi, row, yPlane);
                } else {
                    plane(g, buf, w, oc * 9, b, lo, hi, row, yPlane);
                }
                if (after != null) {
                    after.apply(yPlane, 0, g.outSize, p * g.outSize, tmp);
                }
                y.put(p * g.outSize, yPlane, 0, g.outSize);
            }
        });
    }

    /** One output plane into {@code y} (which has {@code L} floats of slack). */
    private static void plane(ConvGeometry g, float[] buf, float[] w, int wOff, float bias, float lo, float hi,
                              float[] row, float[] y) {
        int wd = g.in[1];
        int oh = g.out[0];
        int ow = g.out[1];
        int step = g.strides[0] * wd;
        FloatVector v0 = FloatVector.broadcast(S, w[wOff]);
        FloatVector v1 = FloatVector.broadcast(S, w[wOff + 1]);
        FloatVector v2 = FloatVector.broadcast(S, w[wOff + 2]);
        FloatVector v3 = FloatVector.broadcast(S, w[wOff + 3]);
        FloatVector v4 = FloatVector.broadcast(S, w[wOff + 4]);
        FloatVector v5 = FloatVector.broadcast(S, w[wOff + 5]);
        FloatVector v6 = FloatVector.broadcast(S, w[wOff + 6]);
        FloatVector v7 = FloatVector.broadcast(S, w[wOff + 7]);
        FloatVector v8 = FloatVector.broadcast(S, w[wOff + 8]);
        FloatVector vb = FloatVector.broadcast(S, bias);
        FloatVector vlo = FloatVector.broadcast(S, lo);
        FloatVector vhi = FloatVector.broadcast(S, hi);
        FloatVector zero = FloatVector.zero(S);
        int last = wd - L;
        for (int oy = 0; oy < oh; oy++) {
            // Buffer row oy * stride holds input row oy * stride - 1: the top tap row.
            int a = 1 + oy * step;
            int b = a + wd;
            int c = b + wd;
            float[] dst = row == null ? y : row;
            int d = row == null ? oy * ow : 0;
            // First vector: lane 0 of a left tap reads the row before's last column; it is the padding.
            FloatVector s0 = FloatVector.fromArray(S, buf, a - 1).blend(zero, FIRST).fma(v0, vb);
            s0 = FloatVector.fromArray(S, buf, a).fma(v1, s0);
            s0 = FloatVector.fromArray(S, buf, b - 1).blend(zero, FIRST).fma(v3, s0);
            s0 = FloatVector.fromArray(S, buf, b).fma(v4, s0);
            s0 = FloatVector.fromArray(S, buf, c - 1).blend(zero, FIRST).fma(v6, s0);
            s0 = FloatVector.fromArray(S, buf, c).fma(v7, s0);
            if (last == 0) {
                s0 = FloatVector.fromArray(S, buf, a + 1).blend(zero, LAST).fma(v2, s0);
                s0 = FloatVector.fromArray(S, buf, b + 1).blend(zero, LAST).fma(v5, s0);
                s0 = FloatVector.fromArray(S, buf, c + 1).blend(zero, LAST).fma(v8, s0);
            } else {
                s0 = FloatVector.fromArray(S, buf, a + 1).fma(v2, s0);
                s0 = FloatVector.fromArray(S, buf, b + 1).fma(v5, s0);
                s0 = FloatVector.fromArray(S, buf, c + 1).fma(v8, s0);
            }
            s0.max(vlo).min(vhi).intoArray(dst, d);
            // Inner vectors: every tap is a plain load.
            for (int o = L; o < last; o += L) {
                FloatVector s = FloatVector.fromArray(S, buf, a + o - 1).fma(v0, vb);
                s = FloatVector.fromArray(S, buf, a + o).fma(v1, s);
                s = FloatVector.fromArray(S, buf, a + o + 1).fma(v2, s);
                s = FloatVector.fromArray(S, buf, b + o - 1).fma(v3, s);
                s = FloatVector.fromArray(S, buf, b + o).fma(v4, s);
                s = FloatVector.fromArray(S, buf, b + o + 1).fma(v5, s);
                s = FloatVector.fromArray(S, buf, c + o - 1).fma(v6, s);
                s = FloatVector.fromArray(S, buf, c + o).fma(v7, s);
                s = FloatVector.fromArray(S, buf, c + o + 1).fma(v8, s);
                s.max(vlo).min(vhi).intoArray(dst, d + o);
            }
            // Last vector (overlapping the one before when the width is not a multiple of L): lane
            // L - 1 of a right tap reads the next row's first column; it is the padding.
            if (last > 0) {
                FloatVector s1 = FloatVector.fromArray(S, buf, a + last - 1).fma(v0, vb);
                s1 = FloatVector.fromArray(S, buf, a + last).fma(v1, s1);
                s1 = FloatVector.fromArray(S, buf, a + last + 1).blend(zero, LAST).fma(v2, s1);
                s1 = FloatVector.fromArray(S, buf, b + last - 1).fma(v3, s1);
                s1 = FloatVector.fromArray(S, buf, b + last).fma(v4, s1);
                s1 = FloatVector.fromArray(S, buf, b + last + 1).blend(zero, LAST).fma(v5, s1);
                s1 = FloatVector.fromArray(S, buf, c + last - 1).fma(v6, s1);
                s1 = FloatVector.fromArray(S, buf, c + last).fma(v7, s1);
                s1 = FloatVector.fromArray(S, buf, c + last + 1).blend(zero, LAST).fma(v8, s1);
                s1.max(vlo).min(vhi).intoArray(dst, d + last);
            }
            if (row != null) {
                // No call in this loop: C2 would spill the twelve weight and bound vectors around it.
                int yRow = oy * ow;
                if (g.strides[1] == 1) {
                    for (int o = 0; o < ow; o += L) {
                        FloatVector.fromArray(S, row, o).intoArray(y, yRow + o);
                    }
                } else {
                    // Even columns; a step's upper lanes spill past the row into the next row
                    // (written after) or the plane's slack.
                    for (int k = 0; k < ow; k += L / 2) {
                        FloatVector.fromArray(S, row, 2 * k).rearrange(VectorSplit.EVENS_FIRST).intoArray(y, yRow + k);
                    }
                }
            }
        }
    }

    /** {@code cols[t] = t % wd}: the column of each position of a flattened plane. */
    private static float[] columns(int wd, int n) {
        float[] cols = new float[n];
        for (int t = 0; t < n; t++) {
            cols[t] = t % wd;
        }
        return cols;
    }

    /**
     * One output plane of rows narrower than a vector (14 and 7 columns), flattened: the stride-1
     * output at position {@code t = row * wd + column} takes tap (ky, kx) from
     * {@code buf[1 + t + ky * wd + kx - 1]}, so whole vectors span several rows. A lane in column 0
     * or {@code wd - 1} (found by comparing {@code cols}) takes zero for its left or right taps,
     * which read the neighbouring row. Stride 2 and rows without end padding compute the stride-1
     * rows into {@code wide} and pick the outputs from there.
     */
    private static void flatPlane(ConvGeometry g, float[] buf, float[] cols, float[] w, int wOff, float bias,
                                  float lo, float hi, float[] wide, float[] y) {
        int wd = g.in[1];
        int sh = g.strides[0];
        int oh = g.out[0];
        int ow = g.out[1];
        int n = ((oh - 1) * sh + 1) * wd;
        float[] dst = wide == null ? y : wide;
        FloatVector v0 = FloatVector.broadcast(S, w[wOff]);
        FloatVector v1 = FloatVector.broadcast(S, w[wOff + 1]);
        FloatVector v2 = FloatVector.broadcast(S, w[wOff + 2]);
        FloatVector v3 = FloatVector.broadcast(S, w[wOff + 3]);
        FloatVector v4 = FloatVector.broadcast(S, w[wOff + 4]);
        FloatVector v5 = FloatVector.broadcast(S, w[wOff + 5]);
        FloatVector v6 = FloatVector.broadcast(S, w[wOff + 6]);
        FloatVector v7 = FloatVector.broadcast(S, w[wOff + 7]);
        FloatVector v8 = FloatVector.broadcast(S, w[wOff + 8]);
        FloatVector vb = FloatVector.broadcast(S, bias);
        FloatVector vlo = FloatVector.broadcast(S, lo);
        FloatVector vhi = FloatVector.broadcast(S, hi);
        FloatVector zero = FloatVector.zero(S);
        float right = wd - 1;
        for (int t = 0; t < n; t += L) {
            FloatVector col = FloatVector.fromArray(S, cols, t);
            VectorMask<Float> first = col.compare(VectorOperators.EQ, 0f);
            VectorMask<Float> lastCol = col.compare(VectorOperators.EQ, right);
            int a = 1 + t;
            int b = a + wd;
            int c = b + wd;
            FloatVector s = FloatVector.fromArray(S, buf, a - 1).blend(zero, first).fma(v0, vb);
            s = FloatVector.fromArray(S, buf, a).fma(v1, s);
            s = FloatVector.fromArray(S, buf, a + 1).blend(zero, lastCol).fma(v2, s);
            s = FloatVector.fromArray(S, buf, b - 1).blend(zero, first).fma(v3, s);
            s = FloatVector.fromArray(S, buf, b).fma(v4, s);
            s = FloatVector.fromArray(S, buf, b + 1).blend(zero, lastCol).fma(v5, s);
            s = FloatVector.fromArray(S, buf, c - 1).blend(zero, first).fma(v6, s);
            s = FloatVector.fromArray(S, buf, c).fma(v7, s);
            s = FloatVector.fromArray(S, buf, c + 1).blend(zero, lastCol).fma(v8, s);
            s.max(vlo).min(vhi).intoArray(dst, t);
        }
        if (wide != null) {
            for (int oy = 0; oy < oh; oy++) {
                int from = oy * sh * wd;
                for (int ox = 0; ox < ow; ox++) {
                    y[oy * ow + ox] = wide[from + ox * sh];
                }
            }
        }
    }
}
