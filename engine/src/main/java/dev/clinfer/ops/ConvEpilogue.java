package dev.clinfer.ops;

import dev.clinfer.cpu.GemmEpilogue;

import java.nio.FloatBuffer;

/**
 * What a float Conv does to its result after the bias: an optional residual {@code sum} added
 * first (FusedConvAdd), then a clamp (Relu, Clip) and/or another activation (FusedConv).
 * The clamp runs in the kernels' own epilogues; other activations on each finished block of
 * the output while it is in cache.
 */
final class ConvEpilogue {
    /** Nothing after the bias. */
    static final ConvEpilogue NONE = new ConvEpilogue(FusedActivation.NONE, null);

    /** Lower clamp ({@code -inf} for none). */
    final float lo;
    /** Upper clamp ({@code +inf} for none). */
    final float hi;
    /** The activation when it is not a clamp, else {@link FusedActivation#NONE}. */
    final FusedActivation act;
    /** Added to the output before the activation (same shape), or null. */
    final FloatBuffer sum;

    /**
     * @param act the fused activation
     * @param sum the residual to add before it, or null
     */
    ConvEpilogue(FusedActivation act, FloatBuffer sum) {
        FusedActivation.Kind k = act.kind();
        boolean clamp = k == FusedActivation.Kind.RELU || k == FusedActivation.Kind.CLIP;
        this.lo = !clamp ? Float.NEGATIVE_INFINITY : k == FusedActivation.Kind.RELU ? 0f : act.p0();
        this.hi = !clamp ? Float.POSITIVE_INFINITY : k == FusedActivation.Kind.RELU ? Float.POSITIVE_INFINITY : act.p1();
        this.act = clamp ? FusedActivation.NONE : act;
        this.sum = sum;
    }

    /** @return whether there is a clamp */
    boolean clamps() {
        return lo != Float.NEGATIVE_INFINITY || hi != Float.POSITIVE_INFINITY;
    }

    /** @return the non-clamp activation as a GEMM tile epilogue, or null when there is none */
    GemmEpilogue gemmTail() {
        if (act.kind() == FusedActivation.Kind.NONE) {
            return null;
        }
        return (c, cOff, ldc, i0, i1, j0, j1) -> {
            for (int i = i0; i < i1; i++) {
                int row = cOff + i * ldc;
                act.apply(c, row + j0, row + j1);
            }
        };
    }

    /** @return the lower clamp a kernel may apply itself: none when a residual must be added first */
    float kernelLo() {
        return sum == null ? lo : Float.NEGATIVE_INFINITY;
    }

    /** @return the upper clamp a kernel may apply itself: none when a residual must be added first */
    float kernelHi() {
        return sum == null ? hi : Float.POSITIVE_INFINITY;
    }

    /**
     * @return what is left to do after a kernel that added the bias and clamped to
     *         {@link #kernelLo()}/{@link #kernelHi()}, or null when nothing is
     */
    ConvEpilogue afterKernel() {
        if (sum != null) {
            return this;
        }
        return act.kind() != FusedActivation.Kind.NONE ? new ConvEpilogue(act, null) : null;
    }

    /** @return whether there is nothing to do */
    boolean isEmpty() {
        return sum == null && !clamps() && act.kind() == FusedActivation.Kind.NONE;
    }

    /**
     * The whole epilogue on {@code y[0, n)} where the kernel did none of it (no bias left to add):
     * {@code act(clamp(y + sum))}, in parallel blocks.
     *
     * @param y   values
     * @param n   element count
     * @param ctx pool
     */
    void applyAll(float[] y, int n, ExecContext ctx) {
        if (isEmpty()) {
            return;
        }
        int block = 1 << 14;
        int blocks = (n + block - 1) / block;
        ctx.parallelFor(blocks, block * 2L, (s, e) -> {
            float[] tmp = sum == null ? null : new float[block];
            for (int b = s; b < e; b++) {
                int from = b * block;
                apply(y, from, Math.min(block, n - from), from, tmp);
            }
        });
    }

    /**
     * {@code act(clamp(y + sum))} on {@code y[off, off + len)}, which holds output elements
     * {@code [from, from + len)}.
     *
     * @param y    values
     * @param off  first value
     * @param len  value count
     * @param from index of the first value in the output (and in {@link #sum})
     * @param tmp  at least {@code len} floats when there is a sum, else unused
     */
    void apply(float[] y, int off, int len, int from, float[] tmp) {
        if (sum != null) {
            sum.get(from, tmp, 0, len);
            for (int i = 0; i < len; i++) {
                y[off + i] += tmp[i];
            }
        }
        if (clamps()) {
            for (int i = off; i < off + len; i++) {
                y[i] = Math.min(hi, Math.max(lo, y[i]));
            }
        }
        act.apply(y, off, off + len);
    }
}
