package dev.clinfer.ops;

import dev.clinfer.api.Tensor;

/**
 * The strided N-d copy behind Transpose, Slice, Concat, Split, Pad, Expand and friends:
 * {@code dst[dOff + Σ i_k·dStr_k] = src[sOff + Σ i_k·sStr_k]} over an index box. Dims of size 1
 * are dropped and dims contiguous in both tensors are merged first, so most layouts reduce to
 * bulk copies of long runs; a transpose whose innermost source-contiguous dim is not the
 * destination's innermost one is done in cache-sized 2-D tiles.
 */
public final class LayoutCopy {
    /** Edge of the square blocks a transpose is done in. */
    static final int TILE = 32;

    private LayoutCopy() {
    }

    /**
     * @param ctx   pool for large copies (may be null: runs inline)
     * @param src   source tensor
     * @param sOff  source element offset of index 0
     * @param sStr  source element strides per dim (may be 0 for broadcast, negative for reversal)
     * @param dst   destination tensor, same element type
     * @param dOff  destination element offset of index 0
     * @param dStr  destination element strides per dim
     * @param shape the index box
     */
    public static void copy(ExecContext ctx, Tensor src, long sOff, long[] sStr, Tensor dst, long dOff, long[] dStr,
                            long[] shape) {
        int r = shape.length;
        long[] n = new long[r];
        long[] ss = new long[r];
        long[] ds = new long[r];
        int m = 0;
        for (int i = 0; i < r; i++) {
            if (shape[i] == 0) {
                return;
            }
            if (shape[i] == 1) {
                continue;
            }
            if (m > 0 && ss[m - 1] == sStr[i] * shape[i] && ds[m - 1] == dStr[i] * shape[i]) {
                n[m - 1] *= shape[i];
                ss[m - 1] = sStr[i];
                ds[m - 1] = dStr[i];
                continue;
            }
            n[m] = shape[i];
            ss[m] = sStr[i];
            ds[m] = dStr[i];
            m++;
        }
        if (m == 0) {
            LayoutMover.of(src, dst).one((int) sOff, (int) dOff);
            return;
        }
        int last = m - 1;
        int tileDim = -1;
        if (ss[last] != 1 && ds[last] == 1) {
            for (int k = 0; k < last; k++) {
                if (ss[k] == 1) {
                    tileDim = k;
                }
            }
        }
        // The outer dims: all but the innermost (and the tiled one).
        int outerRank = tileDim < 0 ? last : last - 1;
        long[] on = new long[outerRank];
        long[] os = new long[outerRank];
        long[] od = new long[outerRank];
        long outerCount = 1;
        for (int i = 0, j = 0; i < last; i++) {
            if (i == tileDim) {
                continue;
            }
            on[j] = n[i];
            os[j] = ss[i];
            od[j] = ds[i];
            outerCount *= n[i];
            j++;
        }
        final int innerN = (int) n[last];
        final int innerS = (int) ss[last];
        final int innerD = (int) ds[last];
        final int tile = tileDim;
        final int tileN = tile < 0 ? 1 : (int) n[tile];
        final int tileD = tile < 0 ? 0 : (int) ds[tile];
        RangeBody body = (start, end) -> {
            LayoutMover mover = LayoutMover.of(src, dst); // per chunk: movers keep scratch tiles
            long[] idx = new long[outerRank];
            long rem = start;
            long s = sOff;
            long d = dOff;
            for (int i = outerRank - 1; i >= 0; i--) {
                idx[i] = rem % on[i];
                rem /= on[i];
                s += idx[i] * os[i];
                d += idx[i] * od[i];
            }
            for (int it = start; it < end; it++) {
                if (tile < 0) {
                    mover.run((int) s, innerS, (int) d, innerD, innerN);
                } else {
                    tiled(mover, (int) s, (int) d, tileN, tileD, innerN, innerS);
                }
                for (int i = outerRank - 1; i >= 0; i--) {
                    s += os[i];
                    d += od[i];
                    if (++idx[i] < on[i]) {
                        break;
                    }
                    s -= os[i] * on[i];
                    d -= od[i] * on[i];
                    idx[i] = 0;
                }
            }
        };
        long perItem = (long) innerN * tileN;
        if (ctx == null) {
            body.run(0, (int) outerCount);
        } else {
            ctx.parallelFor((int) outerCount, perItem, body);
        }
    }

    /** A 2-D transpose block: source contiguous along k, destination contiguous along l. */
    private static void tiled(LayoutMover mover, int s, int d, int nk, int dk, int nl, int sl) {
        for (int kb = 0; kb < nk; kb += TILE) {
            int kLen = Math.min(nk, kb + TILE) - kb;
            for (int lb = 0; lb < nl; lb += TILE) {
                int lLen = Math.min(nl, lb + TILE) - lb;
                mover.block(s + kb + lb * sl, sl, d + kb * dk + lb, dk, kLen, lLen);
            }
        }
    }

    /**
     * @param shape dims
     * @return row-major strides as longs
     */
    public static long[] strides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /**
     * Copies a whole tensor into a box of a larger one (Concat, Pad's interior).
     *
     * @param ctx  pool
     * @param src  source, copied entirely
     * @param dst  destination
     * @param dOff destination offset of the box's origin
     */
    public static void place(ExecContext ctx, Tensor src, Tensor dst, long dOff) {
        copy(ctx, src, 0, strides(src.shape()), dst, dOff, strides(dst.shape()), src.shape());
    }
}
