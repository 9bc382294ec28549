package dev.clinfer.opencl.ops;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/**
 * The window geometry of a 1-D or 2-D MaxPool / AveragePool as pool.cl sees it (always 2-D; a
 * 1-D pool is H = 1): kernel, strides, dilations, pads (explicit or from {@code auto_pad}) and
 * output dims, by the same rules as the engine's Java pooling (ceil_mode drops a last window
 * that would start in the end padding only).
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
        long[] kernel = node.attrInts("kernel_shape", null);
        if (kernel == null || kernel.length != r) {
            throw new InvalidInputException(node + ": kernel_shape " + Arrays.toString(kernel) + " must have "
                    + r + " entries for input " + Arrays.toString(xShape));
        }
        long[] strides = ints(node, "strides", r, 1);
        long[] dil = ints(node, "dilations", r, 1);
        long[] pads = node.attrInts("pads", new long[2 * r]);
        if (pads.length != 2 * r) {
            throw new InvalidInputException(node + ": pads " + Arrays.toString(pads) + " must have " + 2 * r + " entries");
        }
        boolean ceil = node.attrInt("ceil_mode", 0) != 0;
        String autoPad = node.attrString("auto_pad", "NOTSET");
        // Index 0 is H (1 for a 1-D pool), index 1 is W.
        long[] in = {r == 2 ? xShape[2] : 1, xShape[xShape.length - 1]};
        long[] k = {r == 2 ? kernel[0] : 1, kernel[r - 1]};
        long[] st = {r == 2 ? strides[0] : 1, strides[r - 1]};
        long[] dl = {r == 2 ? dil[0] : 1, dil[r - 1]};
        long[] pb = {r == 2 ? pads[0] : 0, pads[r - 1]};
        long[] pe = {r == 2 ? pads[2] : 0, pads[2 * r - 1]};
        long[] out = new long[2];
        for (int d = 0; d < 2; d++) {
            if (k[d] < 1 || st[d] < 1 || dl[d] < 1) {
                throw new InvalidInputException(node + ": kernel_shape, strides and dilations must be positive");
            }
            long eff = (k[d] - 1) * dl[d] + 1;
            switch (autoPad) {
                case "NOTSET":
                case "": {
                    long num = in[d] + pb[d] + pe[d] - eff;
                    long o = (ceil ? Math.floorDiv(num + st[d] - 1, st[d]) : Math.floorDiv(num, st[d])) + 1;
                    if (ceil && o > 0 && (o - 1) * st[d] >= in[d] + pb[d]) {
                        o--;
                    }
                    out[d] = o;
                    break;
                }
                case "SAME_UPPER":
                case "SAME_LOWER": {
                    long o = (in[d] + st[d] - 1) / st[d];
                    long total = Math.max((o - 1) * st[d] + eff - in[d], 0);
                    long small = total / 2;
                    pb[d] = autoPad.equals("SAME_UPPER") ? small : total - small;
                    pe[d] = total - pb[d];
                    out[d] = o;
                    break;
                }
                case "VALID":
                    pb[d] = 0;
                    pe[d] = 0;
                    out[d] = in[d] >= eff ? (in[d] - eff) / st[d] + 1 : 0;
                    break;
                default:
                    throw new InvalidInputException(node + ": unknown auto_pad '" + autoPad + "'");
            }
            if (out[d] < 1) {
                throw new InvalidInputException(node + ": input " + Arrays.toString(xShape) + " is too small for kernel "
                        + Arrays.toString(kernel) + " (output dim " + d + " would be " + out[d] + ")");
            }
        }
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

    private static long[] ints(Node node, String name, int r, long def) {
        long[] v = node.attrInts(name, null);
        if (v == null) {
            v = new long[r];
            Arrays.fill(v, def);
        } else if (v.length != r) {
            throw new InvalidInputException(node + ": " + name + " " + Arrays.toString(v) + " must have " + r + " entries");
        }
        return v;
    }
}
