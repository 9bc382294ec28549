package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/** Java CPU kernels: Pad, CenterCropPad, Expand, Tile (outputs larger than their input). */
final class ShapePadOps {
    private ShapePadOps() {
    }

    static void register(OpRegistry r) {
        r.register("Pad", ShapePadOps::pad);
        r.register("CenterCropPad", ShapePadOps::centerCropPad);
        r.register("Expand", ShapePadOps::expand);
        r.register("Tile", ShapePadOps::tile);
    }

    private static Tensor[] pad(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = ShapeOps.required(node, in, 0);
        int r = x.rank();
        long[] pads;
        Tensor value;
        long[] axes = null;
        if (node.opset() < 11) {
            pads = node.attrInts(node.opset() < 2 ? "paddings" : "pads", null);
            value = ShapeKernels.scalarOf(x.dataType(), node.attrFloat("value", 0));
        } else {
            pads = OpUtil.longs(ShapeOps.required(node, in, 1));
            Tensor cv = ShapeOps.input(node, in, 2);
            value = cv != null && cv.size() > 0 ? cv : null;
            axes = OpUtil.longs(ShapeOps.input(node, in, 3));
        }
        if (pads == null) {
            throw new InvalidInputException(node + ": Pad has no pads");
        }
        long[] begin = new long[r];
        long[] end = new long[r];
        if (axes == null) {
            if (pads.length != 2 * r) {
                throw new InvalidInputException(node + ": pads " + Arrays.toString(pads) + " need " + 2 * r
                        + " entries for rank " + r);
            }
            System.arraycopy(pads, 0, begin, 0, r);
            System.arraycopy(pads, r, end, 0, r);
        } else {
            if (pads.length != 2 * axes.length) {
                throw new InvalidInputException(node + ": pads " + Arrays.toString(pads) + " need two entries per axis of "
                        + Arrays.toString(axes));
            }
            for (int k = 0; k < axes.length; k++) {
                int a = OpUtil.axis(axes[k], r, node);
                begin[a] = pads[k];
                end[a] = pads[k + axes.length];
            }
        }
        return ShapeOps.one(padded(ctx, node, x, begin, end, node.attrString("mode", "constant"), value));
    }

    /**
     * Pads (or crops, for negative amounts) every dim.
     *
     * @param ctx   allocation
     * @param node  for messages
     * @param x     input
     * @param begin amount added before each dim
     * @param end   amount added after each dim
     * @param mode  constant, reflect, edge or wrap
     * @param value constant fill value (null: zero)
     * @return the padded tensor
     */
    static Tensor padded(ExecContext ctx, Node node, Tensor x, long[] begin, long[] end, String mode, Tensor value) {
        long[] s = x.shape();
        int r = s.length;
        long[] os = new long[r];
        for (int i = 0; i < r; i++) {
            os[i] = s[i] + begin[i] + end[i];
            if (os[i] < 0) {
                throw new InvalidInputException(node + ": pads " + begin[i] + "/" + end[i] + " leave a negative dim on axis "
                        + i + " of " + Arrays.toString(s));
            }
        }
        Tensor y = ctx.allocate(x.dataType(), os);
        if (y.size() == 0) {
            return y;
        }
        boolean constant = mode.equals("constant");
        if (!constant && !mode.equals("reflect") && !mode.equals("edge") && !mode.equals("wrap")) {
            throw new InvalidInputException(node + ": unknown pad mode '" + mode + "'");
        }
        if (constant && value != null && (x.dataType() == DataType.STRING || value.getDouble(0) != 0)) {
            ShapeKernels.fill(y, value, 0);
        }
        if (x.size() == 0) {
            if (!constant) {
                throw new InvalidInputException(node + ": cannot " + mode + "-pad an empty tensor");
            }
            return y;
        }
        // Per-axis source index of each output index; -1 marks constant padding.
        int[][] maps = new int[r][];
        for (int i = 0; i < r; i++) {
            maps[i] = axisMap((int) os[i], (int) s[i], (int) begin[i], mode);
        }
        long[] str = LayoutCopy.strides(s);
        LayoutMover mover = LayoutMover.of(x, y);
        int last = r - 1;
        if (r == 0) {
            mover.one(0, 0);
            return y;
        }
        int rowLen = (int) os[last];
        int[] rowMap = maps[last];
        // The interior of a row maps contiguously onto the source row: one bulk copy.
        int lo = (int) Math.max(0, Math.min(rowLen, begin[last]));
        int hi = (int) Math.max(lo, Math.min(rowLen, begin[last] + s[last]));
        int shift = (int) -begin[last];
        long rows = y.size() / rowLen;
        ctx.parallelFor((int) rows, rowLen, (start, stop) -> {
            int[] idx = new int[last];
            long rem = start;
            for (int i = last - 1; i >= 0; i--) {
                idx[i] = (int) (rem % os[i]);
                rem /= os[i];
            }
            for (int row = start; row < stop; row++) {
                long base = 0;
                boolean pad = false;
                for (int i = 0; i < last; i++) {
                    int m = maps[i][idx[i]];
                    pad |= m < 0;
                    base += m * str[i];
                }
                if (!pad) {
                    int d = row * rowLen;
                    if (hi > lo) {
                        mover.run((int) base + lo + shift, 1, d + lo, 1, hi - lo);
                    }
                    for (int j = 0; j < rowLen; j++) {
                        if ((j < lo || j >= hi) && rowMap[j] >= 0) {
                            mover.one((int) base + rowMap[j], d + j);
                        }
                    }
                }
                for (int i = last - 1; i >= 0; i--) {
                    if (++idx[i] < os[i]) {
                        break;
                    }
                    idx[i] = 0;
                }
            }
        });
        return y;
    }

    /** For each output index along one axis, the source index (or -1 for constant padding). */
    private static int[] axisMap(int out, int dim, int begin, String mode) {
        int[] m = new int[out];
        for (int j = 0; j < out; j++) {
            int i = j - begin;
            if (i < 0 || i >= dim) {
                switch (mode) {
                    case "edge":
                        i = i < 0 ? 0 : dim - 1;
                        break;
                    case "wrap":
                        i = Math.floorMod(i, dim);
                        break;
                    case "reflect":
                        if (dim == 1) {
                            i = 0;
                        } else {
                            int p = 2 * (dim - 1);
                            i = Math.floorMod(i, p);
                            if (i >= dim) {
                                i = p - i;
                            }
                        }
                        break;
                    default:
                        i = -1;
                }
            }
            m[j] = i;
        }
        return m;
    }

    private static Tensor[] centerCropPad(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = ShapeOps.required(node, in, 0);
        long[] target = OpUtil.longs(ShapeOps.required(node, in, 1));
        long[] s = x.shape();
        long[] axes = node.attrInts("axes", null);
        if (axes == null) {
            axes = new long[s.length];
            for (int i = 0; i < s.length; i++) {
                axes[i] = i;
            }
        }
        if (axes.length != target.length) {
            throw new InvalidInputException(node + ": shape " + Arrays.toString(target) + " does not match axes "
                    + Arrays.toString(axes));
        }
        long[] begin = new long[s.length];
        long[] end = new long[s.length];
        for (int k = 0; k < axes.length; k++) {
            int a = OpUtil.axis(axes[k], s.length, node);
            long diff = target[k] - s[a];
            // Cropping takes the extra element from the end, padding adds it at the end.
            begin[a] = diff >= 0 ? diff / 2 : -((-diff) / 2);
            end[a] = diff - begin[a];
        }
        return ShapeOps.one(padded(ctx, node, x, begin, end, "constant", null));
    }

    private static Tensor[] expand(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = ShapeOps.required(node, in, 0);
        long[] shape = OpUtil.longs(ShapeOps.required(node, in, 1));
        long[] s = x.shape();
        long[] os = OpUtil.broadcastShape(node, s, shape);
        return ShapeOps.one(broadcastTo(ctx, x, os));
    }

    /**
     * @param ctx allocation
     * @param x   input
     * @param os  a shape {@code x} broadcasts to
     * @return {@code x} repeated to {@code os}
     */
    static Tensor broadcastTo(ExecContext ctx, Tensor x, long[] os) {
        long[] s = x.shape();
        if (Arrays.equals(s, os)) {
            return x;
        }
        long[] str = LayoutCopy.strides(s);
        long[] sStr = new long[os.length];
        for (int i = 0; i < s.length; i++) {
            int o = os.length - s.length + i;
            sStr[o] = s[i] == 1 ? 0 : str[i];
        }
        Tensor y = ctx.allocate(x.dataType(), os);
        LayoutCopy.copy(ctx, x, 0, sStr, y, 0, LayoutCopy.strides(os), os);
        return y;
    }

    private static Tensor[] tile(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = ShapeOps.required(node, in, 0);
        long[] s = x.shape();
        long[] reps = OpUtil.longs(ShapeOps.required(node, in, 1));
        if (reps.length != s.length) {
            throw new InvalidInputException(node + ": repeats " + Arrays.toString(reps) + " do not match rank " + s.length);
        }
        long[] os = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            if (reps[i] < 0) {
                throw new InvalidInputException(node + ": negative repeat " + reps[i]);
            }
            os[i] = s[i] * reps[i];
        }
        Tensor y = ctx.allocate(x.dataType(), os);
        // The output viewed as [rep0, d0, rep1, d1, ...]: the rep dims read the input with stride 0.
        long[] str = LayoutCopy.strides(s);
        long[] yStr = LayoutCopy.strides(os);
        long[] box = new long[2 * s.length];
        long[] sStr = new long[box.length];
        long[] dStr = new long[box.length];
        for (int i = 0; i < s.length; i++) {
            box[2 * i] = reps[i];
            box[2 * i + 1] = s[i];
            sStr[2 * i + 1] = str[i];
            dStr[2 * i] = s[i] * yStr[i];
            dStr[2 * i + 1] = yStr[i];
        }
        LayoutCopy.copy(ctx, x, 0, sStr, y, 0, dStr, box);
        return ShapeOps.one(y);
    }
}
