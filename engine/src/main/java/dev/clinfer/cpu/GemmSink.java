package dev.clinfer.cpu;

import java.nio.FloatBuffer;

/**
 * A GEMM's C kept in a {@link FloatBuffer} (a float32 tensor's direct memory) instead of a
 * {@code float[]}: the vector kernel computes each tile in a per-thread array and stores it here
 * while it is still in cache, with one bulk copy per row (one for the whole tile when it spans
 * whole rows of C). A result first built in a whole-size
 * array and then copied into the tensor made a second pass over memory for every Conv output.
 *
 * <p>With an addend (a residual of C's layout) each tile starts from the addend's values, so C
 * becomes {@code addend + A * B}.
 */
public final class GemmSink {
    private final FloatBuffer dst;
    private final int off;
    private final int ld;
    private final FloatBuffer addend;

    /**
     * @param dst    where C goes
     * @param off    index of C[0][0] in {@code dst} (and in {@code addend})
     * @param ld     row stride of C
     * @param addend values C starts from, laid out like {@code dst}, or null to overwrite
     */
    public GemmSink(FloatBuffer dst, int off, int ld, FloatBuffer addend) {
        this.dst = dst;
        this.off = off;
        this.ld = ld;
        this.addend = addend;
    }

    /** @return whether C starts from the addend */
    boolean adds() {
        return addend != null;
    }

    /** Reads the addend's block {@code [i0, i1) x [j0, j1)} into {@code c}. */
    void load(int i0, int i1, int j0, int j1, float[] c, int cOff, int ldc) {
        if (whole(j0, j1, ldc)) {
            addend.get(off + i0 * ld, c, cOff + i0 * ldc, (i1 - i0) * ld);
            return;
        }
        for (int i = i0; i < i1; i++) {
            addend.get(off + i * ld + j0, c, cOff + i * ldc + j0, j1 - j0);
        }
    }

    /** Stores block {@code [i0, i1) x [j0, j1)} of {@code c}. */
    void store(int i0, int i1, int j0, int j1, float[] c, int cOff, int ldc) {
        if (whole(j0, j1, ldc)) {
            dst.put(off + i0 * ld, c, cOff + i0 * ldc, (i1 - i0) * ld);
            return;
        }
        for (int i = i0; i < i1; i++) {
            dst.put(off + i * ld + j0, c, cOff + i * ldc + j0, j1 - j0);
        }
    }

    /**
     * Whether a block spans whole rows of C laid out alike on both sides, so it moves with one
     * bulk copy: the small planes (7x7, 14x14) of late Conv layers made hundreds of row-sized
     * copies a layer otherwise.
     */
    private boolean whole(int j0, int j1, int ldc) {
        return j0 == 0 && j1 == ld && ldc == ld;
    }
}
