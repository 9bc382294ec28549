package dev.clinfer.ops;

import jdk.incubator.vector.FloatVector;

import java.nio.FloatBuffer;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise 2-D convolution on the Vector API for stride 1 or 2 and no dilation (the MobileNet
 * and PP-OCR shapes). Each input plane is copied once into a zero-bordered buffer (for stride 2
 * with each row split into its even and odd columns), so every kernel tap of a run of outputs is
 * one contiguous vector load and one fused multiply-add: no bounds tests, no gathers.
 *
 * <p>Stride 1 runs over the plane flattened at the buffer's row width: output (oy, ox) sits at
 * {@code oy * rowWidth + ox} and tap (ky, kx) reads {@code + ky * rowWidth + kx}, so one vector
 * loop covers all rows, and small planes (7x7, 14x14) fill whole vectors; the few columns past
 * {@code ow} in each row are computed and dropped. Stride 2 runs row by row; rows narrower
 * than a vector go one vector per row through a scratch plane.
 *
 * <p>The common 3x3 case with padding 1 at the top and left and equal strides goes to
 * {@link ConvDepthwiseRows} first, which needs no bordered copy; this class takes the rest.
 *
 * <p>Only code behind {@link dev.clinfer.cpu.GemmKernel#VECTOR} may name this class.
 */
final class ConvDepthwiseVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private ConvDepthwiseVector() {
    }

    /**
     * @param g geometry
     * @return whether {@link #run} handles it
     */
    static boolean supports(ConvGeometry g) {
        return g.dims == 2 && g.dilations[0] == 1 && g.dilations[1] == 1
                && (g.strides[1] == 1 || g.strides[1] == 2)
                && g.padsBegin[0] >= 0 && g.padsBegin[1] >= 0;
    }

    /** Buffer shape for one plane. */
    private static final class Layout {
        /** Floats per phase (stride 2: per half row). */
        final int phaseWidth;
        /** Floats per buffer row. */
        final int rowWidth;
        /** Buffer rows (input rows plus zero rows above and below, plus one of slack). */
        final int rows;
        /**
         * Floats per row of the stride-1 result: the buffer's row width when rows step by one
         * (the flattened loop), else rounded up to whole vectors so a row's last vector stays in
         * its row.
         */
        final int wideStride;

        Layout(ConvGeometry g) {
            int sw = g.strides[1];
            int ow = g.out[1];
            int kw = g.kernel[1];
            phaseWidth = sw == 1 ? ow + kw - 1 : ow + (kw - 1) / 2 + 1;
            rowWidth = phaseWidth * sw;
            rows = (g.out[0] - 1) * g.strides[0] + g.kernel[0] + 1;
            wideStride = g.strides[0] == 1 ? rowWidth : (rowWidth + L - 1) / L * L;
        }
    }

    /**
     * @param g    geometry (2-D, {@code cg == 1}, {@code group == c}, {@link #supports})
     * @param x    input
     * @param w    weights {@code [m, 1, kh, kw]}
     * @param bias per output channel, or null
     * @param ep   what follows the bias; a residual and other activations run on each finished
     *             plane while it is in cache
     * @param y    output
     * @param ctx  pool
     */
    static void run(ConvGeometry g, FloatBuffer x, float[] w, float[] bias, ConvEpilogue ep, FloatBuffer y,
                    ExecContext ctx) {
        Layout lay = new Layout(g);
        float lo = ep.kernelLo();
        float hi = ep.kernelHi();
        ConvEpilogue after = ep.afterKernel();
        ctx.parallelFor(g.n * g.m, 2L * g.outSize * g.kernelSize, (s, e) -> {
            float[] buf = new float[lay.rows * lay.rowWidth + L];
            float[] wide = new float[g.out[0] * lay.wideStride + L];
            // A plane of a tensor's direct memory is read with one bulk copy (per-row reads cost more
            // in call overhead than they save), and the output plane is staged and stored the same way.
            float[] xPlane = x.hasArray() ? null : new float[g.inSize];
            float[] yPlane = y.hasArray() ? null : new float[g.outSize];
            float[] tmp = ep.sum == null ? null : new float[g.outSize];
            for (int p = s; p < e; p++) {
                int img = p / g.m;
                int oc = p % g.m;
                int ch = oc / g.mg;
                int xOff = (img * g.c + ch) * g.inSize;
                if (xPlane == null) {
                    fillPadded(g, lay, x.array(), x.arrayOffset() + xOff, buf);
                } else {
                    x.get(xOff, xPlane, 0, g.inSize);
                    fillPadded(g, lay, xPlane, 0, buf);
                }
                float[] ya = yPlane == null ? y.array() : yPlane;
                int yo = yPlane == null ? y.arrayOffset() + p * g.outSize : 0;
                plane(g, lay, buf, w, oc * g.kernelSize, bias == null ? 0f : bias[oc], lo, hi, wide, ya, yo);
                if (after != null) {
                    after.apply(ya, yo, g.outSize, p * g.outSize, tmp);
                }
                if (yPlane != null) {
                    y.put(p * g.outSize, yPlane, 0, g.outSize);
                }
            }
        });
    }

    /** One output plane from the padded input plane in {@code buf}. */
    private static void plane(ConvGeometry g, Layout lay, float[] buf, float[] w, int wOff, float b, float lo,
                              float hi, float[] wide, float[] y, int yo) {
        if (g.strides[1] == 1 && g.strides[0] == 1 && g.kernel[0] == 3 && g.kernel[1] == 3 && g.out[1] >= L) {
            rows3x3(g, lay, buf, w, wOff, b, lo, hi, y, yo);
        } else if (g.strides[1] == 1) {
            if (g.kernel[0] == 3 && g.kernel[1] == 3 && g.strides[0] == 1) {
                // Clamped in the tap loop, so the copy clamps nothing.
                flat3x3(g.out[0] * lay.rowWidth, lay.rowWidth, buf, w, wOff, b, lo, hi, wide);
                copyOut(g, lay.wideStride, wide, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, y, yo);
            } else {
                flatAny(g, lay, buf, w, wOff, b, wide);
                copyOut(g, lay.wideStride, wide, lo, hi, y, yo);
            }
        } else if (g.out[1] < L) {
            rows2Narrow(g, lay, buf, w, wOff, b, wide);
            copyOut(g, lay.wideStride, wide, lo, hi, y, yo);
        } else {
            rows2(g, lay, buf, w, wOff, b, lo, hi, y, yo);
        }
    }

    /**
     * Copies one input plane into {@code buf}: input row {@code iy} becomes buffer row
     * {@code iy + padTop}, shifted right by the left padding, zeros elsewhere; for stride 2,
     * buffer column {@code c} of a row is stored at {@code (c % 2) * phaseWidth + c / 2}.
     */
    private static void fillPadded(ConvGeometry g, Layout lay, float[] x, int xPlane, float[] buf) {
        int h = g.in[0];
        int wd = g.in[1];
        int sw = g.strides[1];
        int padTop = g.padsBegin[0];
        int padLeft = g.padsBegin[1];
        int rowWidth = lay.rowWidth;
        // No clearing: every plane writes the same positions, so the zeros the buffer was
        // created with (padding) stay zeros and each data position is overwritten.
        // Buffer column c holds input column c - padLeft.
        int c0 = padLeft;
        int c1 = Math.min(rowWidth, wd + padLeft);
        for (int iy = 0; iy < h; iy++) {
            int r = iy + padTop;
            if (r >= lay.rows - 1) {
                break;
            }
            int src = xPlane + iy * wd - padLeft;
            int dst = r * rowWidth;
            if (sw == 1) {
                if (c1 > c0) {
                    System.arraycopy(x, src + c0, buf, dst + c0, c1 - c0);
                }
            } else {
                // Even columns to the first half, odd to the second: one loop over column pairs
                // (2k, 2k + 1) reading x contiguously, with a lone odd first / even last column.
                int odd = dst + lay.phaseWidth;
                int kA = (c0 + 1) >> 1;
                int kB = c1 >> 1;
                if ((c0 & 1) != 0 && c0 < c1) {
                    buf[odd + (c0 >> 1)] = x[src + c0];
                }
                // Padding must stay 0: the split writes nothing outside [kA, kB).
                VectorSplit.pairs(x, src, buf, dst, odd, kA, kB);
                if ((c1 & 1) != 0 && c1 - 1 >= c0 && c1 - 1 >= 2 * kA) {
                    buf[dst + (c1 >> 1)] = x[src + c1 - 1];
                }
            }
        }
    }

    /** Stride-1 3x3 over the flattened plane: wide[t] = bias + sum of the nine taps. */
    private static void flat3x3(int total, int rw, float[] buf, float[] w, int wOff, float bias, float lo,
                                float hi, float[] wide) {
        float w0 = w[wOff];
        float w1 = w[wOff + 1];
        float w2 = w[wOff + 2];
        float w3 = w[wOff + 3];
        float w4 = w[wOff + 4];
        float w5 = w[wOff + 5];
        float w6 = w[wOff + 6];
        float w7 = w[wOff + 7];
        float w8 = w[wOff + 8];
        FloatVector v0 = FloatVector.broadcast(S, w0);
        FloatVector v1 = FloatVector.broadcast(S, w1);
        FloatVector v2 = FloatVector.broadcast(S, w2);
        FloatVector v3 = FloatVector.broadcast(S, w3);
        FloatVector v4 = FloatVector.broadcast(S, w4);
        FloatVector v5 = FloatVector.broadcast(S, w5);
        FloatVector v6 = FloatVector.broadcast(S, w6);
        FloatVector v7 = FloatVector.broadcast(S, w7);
        FloatVector v8 = FloatVector.broadcast(S, w8);
        FloatVector vb = FloatVector.broadcast(S, bias);
        FloatVector vlo = FloatVector.broadcast(S, lo);
        FloatVector vhi = FloatVector.broadcast(S, hi);
        int r1 = rw;
        int r2 = 2 * rw;
        // The buffer and wide carry L floats of slack, so the last vector may run past total.
        for (int t = 0; t < total; t += L) {
            FloatVector s = FloatVector.fromArray(S, buf, t).fma(v0, vb);
            s = FloatVector.fromArray(S, buf, t + 1).fma(v1, s);
            s = FloatVector.fromArray(S, buf, t + 2).fma(v2, s);
            s = FloatVector.fromArray(S, buf, t + r1).fma(v3, s);
            s = FloatVector.fromArray(S, buf, t + r1 + 1).fma(v4, s);
            s = FloatVector.fromArray(S, buf, t + r1 + 2).fma(v5, s);
            s = FloatVector.fromArray(S, buf, t + r2).fma(v6, s);
            s = FloatVector.fromArray(S, buf, t + r2 + 1).fma(v7, s);
            s = FloatVector.fromArray(S, buf, t + r2 + 2).fma(v8, s);
            s.max(vlo).min(vhi).intoArray(wide, t);
        }
    }

    /** Stride-1, any kernel size, over the flattened plane, one tap at a time. */
    private static void flatAny(ConvGeometry g, Layout lay, float[] buf, float[] w, int wOff, float bias,
                                float[] wide) {
        int total = g.out[0] * lay.wideStride;
        int sh = g.strides[0];
        java.util.Arrays.fill(wide, 0, total, bias);
        if (sh != 1) {
            // Rows step by sh in the buffer: run row by row.
            for (int oy = 0; oy < g.out[0]; oy++) {
                for (int ky = 0; ky < g.kernel[0]; ky++) {
                    for (int kx = 0; kx < g.kernel[1]; kx++) {
                        axpy(w[wOff + ky * g.kernel[1] + kx], buf, (oy * sh + ky) * lay.rowWidth + kx, wide,
                                oy * lay.wideStride, lay.rowWidth);
                    }
                }
            }
            return;
        }
        for (int ky = 0; ky < g.kernel[0]; ky++) {
            for (int kx = 0; kx < g.kernel[1]; kx++) {
                axpy(w[wOff + ky * g.kernel[1] + kx], buf, ky * lay.rowWidth + kx, wide, 0, total);
            }
        }
    }

    /** {@code y[yo..yo+n) += a * x[xo..xo+n)}, whole vectors (both arrays carry slack). */
    private static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector va = FloatVector.broadcast(S, a);
        for (int i = 0; i < n; i += L) {
            FloatVector.fromArray(S, x, xo + i).fma(va, FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
    }

    /** The first {@code ow} columns of each wide row, clamped, into the output plane. */
    private static void copyOut(ConvGeometry g, int rw, float[] wide, float lo, float hi, float[] y, int yPlane) {
        int oh = g.out[0];
        int ow = g.out[1];
        if (lo != Float.NEGATIVE_INFINITY || hi != Float.POSITIVE_INFINITY) {
            // Clamp the whole wide plane in place (contiguous, L floats of slack), not row by
            // row: rows narrower than a vector (14, 7) would otherwise run scalar.
            FloatVector vlo = FloatVector.broadcast(S, lo);
            FloatVector vhi = FloatVector.broadcast(S, hi);
            int total = oh * rw;
            for (int t = 0; t < total; t += L) {
                FloatVector.fromArray(S, wide, t).max(vlo).min(vhi).intoArray(wide, t);
            }
        }
        for (int oy = 0; oy < oh; oy++) {
            System.arraycopy(wide, oy * rw, y, yPlane + oy * ow, ow);
        }
    }

    /** Stride 2 (columns), row by row; the last vector of a row overlaps the one before it. */
    private static void rows2(ConvGeometry g, Layout lay, float[] buf, float[] w, int wOff, float bias, float lo,
                              float hi, float[] y, int yPlane) {
        if (g.kernel[0] == 3 && g.kernel[1] == 3) {
            rows3x3(g, lay, buf, w, wOff, bias, lo, hi, y, yPlane);
            return;
        }
        int oh = g.out[0];
        int ow = g.out[1];
        int kh = g.kernel[0];
        int kw = g.kernel[1];
        int sh = g.strides[0];
        int half = lay.phaseWidth;
        FloatVector vb = FloatVector.broadcast(S, bias);
        FloatVector vlo = FloatVector.broadcast(S, lo);
        FloatVector vhi = FloatVector.broadcast(S, hi);
        for (int oy = 0; oy < oh; oy++) {
            int yRow = yPlane + oy * ow;
            for (int ox = 0; ox < ow; ox += L) {
                int o = Math.min(ox, ow - L);
                FloatVector s = vb;
                for (int ky = 0; ky < kh; ky++) {
                    int row = (oy * sh + ky) * lay.rowWidth + o;
                    for (int kx = 0; kx < kw; kx++) {
                        s = FloatVector.fromArray(S, buf, row + (kx & 1) * half + (kx >> 1))
                                .fma(FloatVector.broadcast(S, w[wOff + ky * kw + kx]), s);
                    }
                }
                s.max(vlo).min(vhi).intoArray(y, yRow + o);
            }
        }
    }

    /**
     * Stride 2 (columns) with rows narrower than a vector (the 14- and 7-column planes): one
     * vector per output row into {@code wide} (rows {@code wideStride} apart; a row's lanes past
     * {@code ow} are dropped by {@link #copyOut}), bias added, not clamped.
     */
    private static void rows2Narrow(ConvGeometry g, Layout lay, float[] buf, float[] w, int wOff, float bias,
                                    float[] wide) {
        if (g.kernel[0] == 3 && g.kernel[1] == 3) {
            rows2Narrow3x3(g, lay, buf, w, wOff, bias, wide);
            return;
        }
        int oh = g.out[0];
        int kh = g.kernel[0];
        int kw = g.kernel[1];
        int sh = g.strides[0];
        int half = lay.phaseWidth;
        FloatVector vb = FloatVector.broadcast(S, bias);
        for (int oy = 0; oy < oh; oy++) {
            FloatVector s = vb;
            for (int ky = 0; ky < kh; ky++) {
                int row = (oy * sh + ky) * lay.rowWidth;
                for (int kx = 0; kx < kw; kx++) {
                    s = FloatVector.fromArray(S, buf, row + (kx & 1) * half + (kx >> 1))
                            .fma(FloatVector.broadcast(S, w[wOff + ky * kw + kx]), s);
                }
            }
            s.intoArray(wide, oy * lay.wideStride);
        }
    }

    /**
     * {@link #rows2Narrow} for 3x3: weights held in registers, two output rows per step so two
     * independent FMA chains overlap (one vector per row leaves a single chain latency-bound).
     */
    private static void rows2Narrow3x3(ConvGeometry g, Layout lay, float[] buf, float[] w, int wOff, float bias,
                                       float[] wide) {
        int oh = g.out[0];
        int step = g.strides[0] * lay.rowWidth;
        int rw = lay.rowWidth;
        int odd = lay.phaseWidth;
        int ws = lay.wideStride;
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
        int oy = 0;
        for (; oy + 2 <= oh; oy += 2) {
            int a = oy * step;
            int b = a + step;
            FloatVector s = FloatVector.fromArray(S, buf, a).fma(v0, vb);
            FloatVector t = FloatVector.fromArray(S, buf, b).fma(v0, vb);
            s = FloatVector.fromArray(S, buf, a + odd).fma(v1, s);
            t = FloatVector.fromArray(S, buf, b + odd).fma(v1, t);
            s = FloatVector.fromArray(S, buf, a + 1).fma(v2, s);
            t = FloatVector.fromArray(S, buf, b + 1).fma(v2, t);
            s = FloatVector.fromArray(S, buf, a + rw).fma(v3, s);
            t = FloatVector.fromArray(S, buf, b + rw).fma(v3, t);
            s = FloatVector.fromArray(S, buf, a + rw + odd).fma(v4, s);
            t = FloatVector.fromArray(S, buf, b + rw + odd).fma(v4, t);
            s = FloatVector.fromArray(S, buf, a + rw + 1).fma(v5, s);
            t = FloatVector.fromArray(S, buf, b + rw + 1).fma(v5, t);
            s = FloatVector.fromArray(S, buf, a + 2 * rw).fma(v6, s);
            t = FloatVector.fromArray(S, buf, b + 2 * rw).fma(v6, t);
            s = FloatVector.fromArray(S, buf, a + 2 * rw + odd).fma(v7, s);
            t = FloatVector.fromArray(S, buf, b + 2 * rw + odd).fma(v7, t);
            s = FloatVector.fromArray(S, buf, a + 2 * rw + 1).fma(v8, s);
            t = FloatVector.fromArray(S, buf, b + 2 * rw + 1).fma(v8, t);
            // Row oy's lanes past ow spill into row oy + 1's slot, so store oy first.
            s.intoArray(wide, oy * ws);
            t.intoArray(wide, (oy + 1) * ws);
        }
        for (; oy < oh; oy++) {
            int a = oy * step;
            FloatVector s = FloatVector.fromArray(S, buf, a).fma(v0, vb);
            s = FloatVector.fromArray(S, buf, a + odd).fma(v1, s);
            s = FloatVector.fromArray(S, buf, a + 1).fma(v2, s);
            s = FloatVector.fromArray(S, buf, a + rw).fma(v3, s);
            s = FloatVector.fromArray(S, buf, a + rw + odd).fma(v4, s);
            s = FloatVector.fromArray(S, buf, a + rw + 1).fma(v5, s);
            s = FloatVector.fromArray(S, buf, a + 2 * rw).fma(v6, s);
            s = FloatVector.fromArray(S, buf, a + 2 * rw + odd).fma(v7, s);
            s = FloatVector.fromArray(S, buf, a + 2 * rw + 1).fma(v8, s);
            s.intoArray(wide, oy * ws);
        }
    }

    /**
     * 3x3 for rows of at least one vector, straight into the output with the clamp (no
     * intermediate plane); the last vector of a row overlaps the one before it. Tap column
     * {@code kx} of a row sits at {@code + col[kx]}: 0, 1, 2 for stride 1; for stride 2 the even
     * half at 0 and 1 and the odd half at {@code phaseWidth}. Two output rows per step keep two
     * independent FMA chains in flight (one chain of nine is latency-bound).
     */
    private static void rows3x3(ConvGeometry g, Layout lay, float[] buf, float[] w, int wOff, float bias,
                                float lo, float hi, float[] y, int yPlane) {
        int oh = g.out[0];
        int ow = g.out[1];
        int rw = lay.rowWidth;
        int step = g.strides[0] * rw;
        int c1 = g.strides[1] == 1 ? 1 : lay.phaseWidth;
        int c2 = g.strides[1] == 1 ? 2 : 1;
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
        int oy = 0;
        for (; oy + 2 <= oh; oy += 2) {
            int a = oy * step;
            int b = a + step;
            int yA = yPlane + oy * ow;
            for (int ox = 0; ox < ow; ox += L) {
                int o = Math.min(ox, ow - L);
                int a0 = a + o;
                int b0 = b + o;
                FloatVector s = FloatVector.fromArray(S, buf, a0).fma(v0, vb);
                FloatVector t = FloatVector.fromArray(S, buf, b0).fma(v0, vb);
                s = FloatVector.fromArray(S, buf, a0 + c1).fma(v1, s);
                t = FloatVector.fromArray(S, buf, b0 + c1).fma(v1, t);
                s = FloatVector.fromArray(S, buf, a0 + c2).fma(v2, s);
                t = FloatVector.fromArray(S, buf, b0 + c2).fma(v2, t);
                s = FloatVector.fromArray(S, buf, a0 + rw).fma(v3, s);
                t = FloatVector.fromArray(S, buf, b0 + rw).fma(v3, t);
                s = FloatVector.fromArray(S, buf, a0 + rw + c1).fma(v4, s);
                t = FloatVector.fromArray(S, buf, b0 + rw + c1).fma(v4, t);
                s = FloatVector.fromArray(S, buf, a0 + rw + c2).fma(v5, s);
                t = FloatVector.fromArray(S, buf, b0 + rw + c2).fma(v5, t);
                s = FloatVector.fromArray(S, buf, a0 + 2 * rw).fma(v6, s);
                t = FloatVector.fromArray(S, buf, b0 + 2 * rw).fma(v6, t);
                s = FloatVector.fromArray(S, buf, a0 + 2 * rw + c1).fma(v7, s);
                t = FloatVector.fromArray(S, buf, b0 + 2 * rw + c1).fma(v7, t);
                s = FloatVector.fromArray(S, buf, a0 + 2 * rw + c2).fma(v8, s);
                t = FloatVector.fromArray(S, buf, b0 + 2 * rw + c2).fma(v8, t);
                s.max(vlo).min(vhi).intoArray(y, yA + o);
                t.max(vlo).min(vhi).intoArray(y, yA + ow + o);
            }
        }
        for (; oy < oh; oy++) {
            int a = oy * step;
            int yA = yPlane + oy * ow;
            for (int ox = 0; ox < ow; ox += L) {
                int a0 = a + Math.min(ox, ow - L);
                FloatVector s = FloatVector.fromArray(S, buf, a0).fma(v0, vb);
                s = FloatVector.fromArray(S, buf, a0 + c1).fma(v1, s);
                s = FloatVector.fromArray(S, buf, a0 + c2).fma(v2, s);
                s = FloatVector.fromArray(S, buf, a0 + rw).fma(v3, s);
                s = FloatVector.fromArray(S, buf, a0 + rw + c1).fma(v4, s);
                s = FloatVector.fromArray(S, buf, a0 + rw + c2).fma(v5, s);
                s = FloatVector.fromArray(S, buf, a0 + 2 * rw).fma(v6, s);
                s = FloatVector.fromArray(S, buf, a0 + 2 * rw + c1).fma(v7, s);
                s = FloatVector.fromArray(S, buf, a0 + 2 * rw + c2).fma(v8, s);
                s.max(vlo).min(vhi).intoArray(y, yA + Math.min(ox, ow - L));
            }
        }
    }
}
