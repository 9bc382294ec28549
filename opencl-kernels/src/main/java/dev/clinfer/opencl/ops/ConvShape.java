package dev.clinfer.opencl.ops;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/**
 * The geometry of a 1-D or 2-D Conv / ConvTranspose as the conv.cl kernels see it: always 2-D
 * (a 1-D convolution is H = 1), with {@code auto_pad}, {@code output_padding} and
 * {@code output_shape} resolved by the same rules as the engine's Java operators.
 */
final class ConvShape {
    int n;
    int c;
    int m;
    int group;
    int h;
    int w;
    int kh;
    int kw;
    int oh;
    int ow;
    int sh;
    int sw;
    int dh;
    int dw;
    /** Leading pads (for ConvTranspose: positions cut from the start of the full result). */
    int padTop;
    int padLeft;
    int padBottom;
    int padRight;
    /** Output shape in the input's rank. */
    long[] outShape;

    /** @return true for 1x1 kernels with unit strides and no padding: a plain GEMM per image */
    boolean pointwise() {
        return kh == 1 && kw == 1 && sh == 1 && sw == 1 && padTop == 0 && padLeft == 0 && padBottom == 0
                && padRight == 0;
    }

    /** @return geometry packed for the kernels' int16 argument */
    int[] packed(int images) {
        return new int[] {c, h, w, kh, kw, oh, ow, sh, sw, padTop, padLeft, dh, dw, m, group, images};
    }

    /**
     * @param node   a Conv node
     * @param xShape X [N, C, (H,) W]
     * @param wShape W [M, C / group, (KH,) KW]
     * @return the geometry
     */
    static ConvShape forConv(Node node, long[] xShape, long[] wShape) {
        ConvShape s = common(node, xShape, wShape);
        s.m = (int) wShape[0];
        if (s.group <= 0 || s.c % s.group != 0 || s.m % s.group != 0 || wShape[1] * s.group != s.c) {
            throw new InvalidInputException(node + ": X " + Arrays.toString(xShape) + " and W " + Arrays.toString(wShape)
                    + " do not fit group=" + s.group + " (want W[1] * group == C and M divisible by group)");
        }
        int dims = xShape.length - 2;
        String autoPad = node.attrString("auto_pad", "NOTSET");
        int[] pads = ints(node, "pads", 2 * dims, 0);
        int[] in = {s.h, s.w};
        int[] k = {s.kh, s.kw};
        int[] st = {s.sh, s.sw};
        int[] dl = {s.dh, s.dw};
        int[] pb = new int[2];
        int[] pe = new int[2];
        int[] out = new int[2];
        for (int i = 0; i < 2; i++) {
            int ext = (k[i] - 1) * dl[i] + 1;
            int a = i - (2 - dims);
            switch (autoPad) {
                case "SAME_UPPER":
                case "SAME_LOWER": {
                    out[i] = Math.floorDiv(in[i] + st[i] - 1, st[i]);
                    int total = Math.max(0, (out[i] - 1) * st[i] + ext - in[i]);
                    int small = total / 2;
                    pb[i] = autoPad.equals("SAME_UPPER") ? small : total - small;
                    pe[i] = total - pb[i];
                    break;
                }
                case "VALID":
                    out[i] = Math.max(0, Math.floorDiv(in[i] - ext + st[i], st[i]));
                    break;
                case "NOTSET":
                case "":
                    pb[i] = a >= 0 ? pads[a] : 0;
                    pe[i] = a >= 0 ? pads[a + dims] : 0;
                    out[i] = Math.max(0, Math.floorDiv(in[i] + pb[i] + pe[i] - ext, st[i]) + 1);
                    break;
                default:
                    throw new InvalidInputException(node + ": unknown auto_pad '" + autoPad + "'");
            }
        }
        s.finish(pb, pe, out, dims);
        return s;
    }

    /**
     * @param node   a ConvTranspose node
     * @param xShape X [N, C, (H,) W]
     * @param wShape W [C, M / group, (KH,) KW]
     * @return the geometry; pads say what is cut from the full result
     */
    static ConvShape forTranspose(Node node, long[] xShape, long[] wShape) {
        ConvShape s = common(node, xShape, wShape);
        if (s.group <= 0 || s.c % s.group != 0 || wShape[0] != s.c) {
            throw new InvalidInputException(node + ": X " + Arrays.toString(xShape) + " and W " + Arrays.toString(wShape)
                    + " do not fit group=" + s.group + " (want W[0] == C, C divisible by group)");
        }
        s.m = (int) wShape[1] * s.group;
        int dims = xShape.length - 2;
        int[] outPad = ints(node, "output_padding", dims, 0);
        long[] outShapeAttr = node.attrInts("output_shape", null);
        String autoPad = node.attrString("auto_pad", "NOTSET");
        boolean same = autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER");
        int[] pads = ints(node, "pads", 2 * dims, 0);
        int[] in = {s.h, s.w};
        int[] k = {s.kh, s.kw};
        int[] st = {s.sh, s.sw};
        int[] dl = {s.dh, s.dw};
        int[] pb = new int[2];
        int[] pe = new int[2];
        int[] out = new int[2];
        for (int i = 0; i < 2; i++) {
            int a = i - (2 - dims);
            if (a < 0) {
                out[i] = 1;
                continue;
            }
            int full = st[i] * (in[i] - 1) + outPad[a] + (k[i] - 1) * dl[i] + 1;
            if (outShapeAttr != null) {
                // output_shape may list all dims or only the spatial ones.
                out[i] = (int) outShapeAttr[outShapeAttr.length - dims + a];
            } else if (same) {
                out[i] = in[i] * st[i];
            }
            if (same || (outShapeAttr != null && !node.hasAttr("pads"))) {
                int total = full - out[i];
                int half = Math.floorDiv(total, 2);
                boolean upper = !autoPad.equals("SAME_LOWER");
                pb[i] = upper ? half : total - half;
                pe[i] = total - pb[i];
                if (!same) {
                    // Explicit output_shape, no pads: the result starts at the first position.
                    pb[i] = 0;
                    pe[i] = total;
                }
            } else {
                pb[i] = pads[a];
                pe[i] = pads[a + dims];
                if (outShapeAttr == null) {
                    out[i] = full - pb[i] - pe[i];
                }
            }
            if (out[i] < 0) {
                throw new InvalidInputException(node + ": negative output size along spatial dim " + a);
            }
        }
        s.finish(pb, pe, out, dims);
        return s;
    }

    private void finish(int[] pb, int[] pe, int[] out, int dims) {
        padTop = pb[0];
        padLeft = pb[1];
        padBottom = pe[0];
        padRight = pe[1];
        oh = out[0];
        ow = out[1];
        outShape = dims == 2 ? new long[] {n, m, oh, ow} : new long[] {n, m, ow};
    }

    private static ConvShape common(Node node, long[] xShape, long[] wShape) {
        if (xShape.length < 3 || xShape.length > 4 || wShape.length != xShape.length) {
            throw new InvalidInputException(node + ": X " + Arrays.toString(xShape) + " and W "
                    + Arrays.toString(wShape) + " must both be 3-D or 4-D on the OpenCL device");
        }
        int dims = xShape.length - 2;
        ConvShape s = new ConvShape();
        s.n = GemmLaunchers.checkedInt(node, xShape[0]);
        s.c = (int) xShape[1];
        s.group = (int) node.attrInt("group", 1);
        s.h = dims == 2 ? (int) xShape[2] : 1;
        s.w = (int) xShape[xShape.length - 1];
        s.kh = dims == 2 ? (int) wShape[2] : 1;
        s.kw = (int) wShape[wShape.length - 1];
        long[] ks = node.attrInts("kernel_shape", null);
        if (ks != null && (ks.length != dims || ks[dims - 1] != s.kw || (dims == 2 && ks[0] != s.kh))) {
            throw new InvalidInputException(node + ": kernel_shape " + Arrays.toString(ks) + " does not match W "
                    + Arrays.toString(wShape));
        }
        int[] st = ints(node, "strides", dims, 1);
        int[] dl = ints(node, "dilations", dims, 1);
        s.sh = dims == 2 ? st[0] : 1;
        s.sw = st[dims - 1];
        s.dh = dims == 2 ? dl[0] : 1;
        s.dw = dl[dims - 1];
        if (s.sh < 1 || s.sw < 1 || s.dh < 1 || s.dw < 1) {
            throw new InvalidInputException(node + ": strides " + Arrays.toString(st) + " and dilations "
                    + Arrays.toString(dl) + " must be positive");
        }
        return s;
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
}
