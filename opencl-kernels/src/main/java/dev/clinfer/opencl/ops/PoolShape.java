package dev.clinfer.opencl.ops;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.ir.Node;
import dev.clinfer.ops.PoolGeometry;

import java.util.Arrays;

/**
 * The window geometry of a 1-D or 2-D MaxPool / AveragePool as pool.cl sees it (always 2-D; a
 * 1-D pool is H = 1): kernel, strides, dilations, pads (explicit or from {@code auto_pad}) and
 * output dims, computed by the engine's {@link PoolGeometry} and packed here.
 */
final class PoolShape {
    /** The geometry packed for the kernels' int16 argument. */
    final int[] packed;
    /** Output shape in the input's rank. */
    final long[] outShape;
    /** N * C. */
    final int planes;

    private PoolShape(int[] packed, long[] outShape, int planes) {
        this.packed = packed;
        this.outShape = outShape;
        this.planes = planes;
    }

    /**
     * @param node           MaxPool or AveragePool node
     * @param xShape         X [N, C, (H,) W]
     * @param countIncludePad AveragePool's count_include_pad
     * @return the geometry
     */
    static PoolShape of(Node node, long[] xShape, boolean countIncludePad) {
        if (xShape.length < 3 || xShape.length > 4) {
            throw new InvalidInputException(node + ": X " + Arrays.toString(xShape) + " must be 3-D or 4-D on the OpenCL device");
        }
        int r = xShape.length - 2;
        PoolGeometry g = PoolGeometry.of(node, xShape);
        // Index 0 is H (1 for a 1-D pool), index 1 is W.
        long[] in = two(g.in, 1);
        long[] k = two(g.kernel, 1);
        long[] st = two(g.strides, 1);
        long[] dl = two(g.dilations, 1);
        long[] pb = two(g.padBegin, 0);
        long[] pe = two(g.padEnd, 0);
        long[] out = two(g.out, 1);
        int[] packed = {(int) in[0], (int) in[1], (int) k[0], (int) k[1], (int) out[0], (int) out[1], (int) st[0],
            (int) st[1], (int) pb[0], (int) pb[1], (int) dl[0], (int) dl[1], (int) pe[0], (int) pe[1],
            countIncludePad ? 1 : 0, 0};
        long[] os = xShape.clone();
        os[os.length - 1] = out[1];
        if (r == 2) {
            os[2] = out[0];
        }
        return new PoolShape(packed, os, GemmLaunchers.checkedInt(node, xShape[0] * xShape[1]));
    }

    /** @return {@code v} as [H, W]: a 1-D value gets {@code h} as H */
    private static long[] two(long[] v, long h) {
        return v.length == 2 ? v : new long[] {h, v[0]};
    }
}
