package dev.clinfer.ops;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/**
 * The shapes of one Conv or ConvTranspose: channels, groups, and per spatial dim the input,
 * kernel, stride, dilation, begin/end pads and output sizes, with {@code auto_pad},
 * {@code output_padding} and {@code output_shape} resolved.
 */
final class ConvGeometry {
    /** Batch size. */
    final int n;
    /** Input channels. */
    final int c;
    /** Output channels. */
    final int m;
    final int group;
    /** Input channels per group. */
    final int cg;
    /** Output channels per group. */
    final int mg;
    /** Spatial dims. */
    final int dims;
    final int[] in;
    final int[] kernel;
    final int[] strides;
    final int[] dilations;
    final int[] padsBegin;
    final int[] padsEnd;
    final int[] out;
    /** Product of {@link #in}. */
    final int inSize;
    /** Product of {@link #out}. */
    final int outSize;
    /** Product of {@link #kernel}. */
    final int kernelSize;

    private ConvGeometry(int n, int c, int m, int group, int[] in, int[] kernel, int[] strides, int[] dilations,
                         int[] padsBegin, int[] padsEnd, int[] out) {
        this.n = n;
        this.c = c;
        this.m = m;
        this.group = group;
        this.cg = c / group;
        this.mg = m / group;
        this.dims = in.length;
        this.in = in;
        this.kernel = kernel;
        this.strides = strides;
        this.dilations = dilations;
        this.padsBegin = padsBegin;
        this.padsEnd = padsEnd;
        this.out = out;
        this.inSize = product(in);
        this.outSize = product(out);
        this.kernelSize = product(kernel);
    }

    /** @return the output shape {@code [n, m, out...]} */
    long[] outputShape() {
        long[] s = new long[2 + dims];
        s[0] = n;
        s[1] = m;
        for (int i = 0; i < dims; i++) {
            s[2 + i] = out[i];
        }
        return s;
    }

    /** @return true for a kernel of ones with unit strides and no padding (a plain GEMM) */
    boolean isPointwise() {
        for (int i = 0; i < dims; i++) {
            if (kernel[i] != 1 || strides[i] != 1 || padsBegin[i] != 0 || padsEnd[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Geometry of a Conv (also ConvInteger, QLinearConv).
     *
     * @param node   the node (attributes)
     * @param xShape X: {@code [N, C, D...]}
     * @param wShape W: {@code [M, C/group, k...]}
     * @return the geometry
     */
    static ConvGeometry forConv(Node node, long[] xShape, long[] wShape) {
        int dims = checkRanks(node, xShape, wShape);
        int group = (int) node.attrInt("group", 1);
        int c = (int) xShape[1];
        int m = (int) wShape[0];
        if (group <= 0 || c % group != 0 || m % group != 0 || wShape[1] * group != c) {
            throw new InvalidInputException(node + ": X " + Arrays.toString(xShape) + " and W " + Arrays.toString(wShape)
                    + " do not fit group=" + group + " (want W[1] * group == C and M divisible by group)");
        }
        int[] in = spatial(xShape);
        int[] kernel = kernelShape(node, wShape, dims);
        int[] strides = ints(node, "strides", dims, 1);
        int[] dil = ints(node, "dilations", dims, 1);
        int[] pb = new int[dims];
        int[] pe = new int[dims];
        int[] out = new int[dims];
        String autoPad = node.attrString("auto_pad", "NOTSET");
        int[] pads = ints(node, "pads", 2 * dims, 0);
        for (int i = 0; i < dims; i++) {
            int ext = (kernel[i] - 1) * dil[i] + 1;
            switch (autoPad) {
                case "SAME_UPPER":
                case "SAME_LOWER": {
                    out[i] = ceilDiv(in[i], strides[i]);
                    int total = Math.max(0, (out[i] - 1) * strides[i] + ext - in[i]);
                    int small = total / 2;
                    pb[i] = autoPad.equals("SAME_UPPER") ? small : total - small;
                    pe[i] = total - pb[i];
                    break;
                }
                case "VALID":
                    out[i] = Math.max(0, ceilDiv(in[i] - ext + 1, strides[i]));
                    break;
                case "NOTSET":
                case "":
                    pb[i] = pads[i];
                    pe[i] = pads[i + dims];
                    out[i] = Math.max(0, Math.floorDiv(in[i] + pb[i] + pe[i] - ext, strides[i]) + 1);
                    break;
                default:
                    throw new InvalidInputException(node + ": unknown auto_pad '" + autoPad + "'");
            }
        }
        return new ConvGeometry((int) xShape[0], c, m, group, in, kernel, strides, dil, pb, pe, out);
    }

    /**
     * Geometry of a ConvTranspose. Here {@link #in} is X's spatial size and {@link #out} the
     * result's; {@code padsBegin} says how many leading positions of the full (unpadded)
     * result are cut off.
     *
     * @param node   the node
     * @param xShape X: {@code [N, C, D...]}
     * @param wShape W: {@code [C, M/group, k...]}
     * @return the geometry
     */
    static ConvGeometry forTranspose(Node node, long[] xShape, long[] wShape) {
        int dims = checkRanks(node, xShape, wShape);
        int group = (int) node.attrInt("group", 1);
        int c = (int) xShape[1];
        if (group <= 0 || c % group != 0 || wShape[0] != c) {
            throw new InvalidInputException(node + ": X " + Arrays.toString(xShape) + " and W " + Arrays.toString(wShape)
                    + " do not fit group=" + group + " (want W[0] == C, C divisible by group)");
        }
        int m = (int) wShape[1] * group;
        int[] in = spatial(xShape);
        int[] kernel = kernelShape(node, wShape, dims);
        int[] strides = ints(node, "strides", dims, 1);
        int[] dil = ints(node, "dilations", dims, 1);
        int[] outPad = ints(node, "output_padding", dims, 0);
        long[] outShapeAttr = node.attrInts("output_shape", null);
        String autoPad = node.attrString("auto_pad", "NOTSET");
        boolean same = autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER");
        int[] pads = ints(node, "pads", 2 * dims, 0);
        int[] pb = new int[dims];
        int[] pe = new int[dims];
        int[] out = new int[dims];
        for (int i = 0; i < dims; i++) {
            int full = strides[i] * (in[i] - 1) + outPad[i] + (kernel[i] - 1) * dil[i] + 1;
            if (outShapeAttr != null) {
                // output_shape may list all dims or only the spatial ones.
                int off = outShapeAttr.length - dims;
                out[i] = (int) outShapeAttr[off + i];
            } else if (same) {
                out[i] = in[i] * strides[i];
            }
            if (same) {
                // SAME_UPPER puts the odd unit of padding at the end, SAME_LOWER at the start.
                int total = full - out[i];
                int half = Math.floorDiv(total, 2);
                pb[i] = autoPad.equals("SAME_UPPER") ? half : total - half;
                pe[i] = total - pb[i];
            } else if (outShapeAttr != null && !node.hasAttr("pads")) {
                // Explicit output_shape, no pads: the result starts at the first position.
                pe[i] = full - out[i];
            } else {
                pb[i] = pads[i];
                pe[i] = pads[i + dims];
                if (outShapeAttr == null) {
                    out[i] = full - pb[i] - pe[i];
                }
            }
            if (out[i] < 0) {
                throw new InvalidInputException(node + ": negative output size along spatial dim " + i);
            }
        }
        return new ConvGeometry((int) xShape[0], c, m, group, in, kernel, strides, dil, pb, pe, out);
    }

    private static int checkRanks(Node node, long[] xShape, long[] wShape) {
        if (xShape.length < 3 || wShape.length != xShape.length) {
            throw new InvalidInputException(node + ": X " + Arrays.toString(xShape) + " and W "
                    + Arrays.toString(wShape) + " must have the same rank >= 3");
        }
        return xShape.length - 2;
    }

    private static int[] spatial(long[] shape) {
        int[] s = new int[shape.length - 2];
        for (int i = 0; i < s.length; i++) {
            s[i] = (int) shape[i + 2];
        }
        return s;
    }

    private static int[] kernelShape(Node node, long[] wShape, int dims) {
        int[] k = spatial(wShape);
        long[] attr = node.attrInts("kernel_shape", null);
        if (attr != null && attr.length == dims) {
            for (int i = 0; i < dims; i++) {
                if (attr[i] != k[i]) {
                    throw new InvalidInputException(node + ": kernel_shape " + Arrays.toString(attr)
                            + " does not match W " + Arrays.toString(wShape));
                }
            }
        }
        return k;
    }

    private static int[] ints(Node node, String name, int len, int def) {
        long[] v = node.attrInts(name, null);
        int[] r = new int[len];
        Arrays.fill(r, def);
        if (v != null) {
            if (v.length != len) {
                throw new InvalidInputException(node + ": attribute " + name + " has " + v.length + " values, want " + len);
            }
            for (int i = 0; i < len; i++) {
                r[i] = (int) v[i];
            }
        }
        return r;
    }

    private static int ceilDiv(int a, int b) {
        return Math.floorDiv(a + b - 1, b);
    }

    private static int product(int[] v) {
        int p = 1;
        for (int x : v) {
            p *= x;
        }
        return p;
    }
}
