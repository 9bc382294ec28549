package dev.clinfer.ops;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/** Java CPU kernels: Slice, Concat, Split, Compress (boxes copied with {@link LayoutCopy}). */
public final class ShapeSliceOps {
    private ShapeSliceOps() {
    }

    static void register(OpRegistry r) {
        r.register("Slice", ShapeSliceOps::slice);
        r.register("Concat", ShapeSliceOps::concat);
        r.register("Split", ShapeSliceOps::split);
        r.register("Compress", ShapeSliceOps::compress);
    }

    /**
     * The resolved parameters of a Slice: per input dim its first index, step and count.
     *
     * @param start first index per dim
     * @param step  step per dim
     * @param count output size per dim
     */
    public record SliceBox(long[] start, long[] step, long[] count) {
    }

    /**
     * Resolves Slice parameters with ONNX clamping (ends like INT64_MAX, negative steps).
     *
     * @param node   for messages
     * @param dims   input dims
     * @param starts starts
     * @param ends   ends
     * @param axes   axes, or null for the first {@code starts.length} dims
     * @param steps  steps, or null for all 1
     * @return the box
     */
    public static SliceBox resolve(Node node, long[] dims, long[] starts, long[] ends, long[] axes, long[] steps) {
        int r = dims.length;
        if (starts.length != ends.length || (axes != null && axes.length != starts.length)
                || (steps != null && steps.length != starts.length)) {
            throw new InvalidInputException(node + ": starts/ends/axes/steps lengths differ: " + starts.length + ", "
                    + ends.length + ", " + (axes == null ? "-" : axes.length) + ", " + (steps == null ? "-" : steps.length));
        }
        long[] st = new long[r];
        long[] sp = new long[r];
        long[] cnt = dims.clone();
        Arrays.fill(sp, 1);
        boolean[] seen = new boolean[r];
        for (int k = 0; k < starts.length; k++) {
            int a = OpUtil.axis(axes == null ? k : axes[k], r, node);
            if (seen[a]) {
                throw new InvalidInputException(node + ": axis " + a + " is sliced twice");
            }
            seen[a] = true;
            long step = steps == null ? 1 : steps[k];
            if (step == 0) {
                throw new InvalidInputException(node + ": slice step is 0 on axis " + a);
            }
            long d = dims[a];
            long s = starts[k];
            long e = ends[k];
            if (s < 0) {
                s = s <= Long.MIN_VALUE / 2 ? -d - 1 : s + d;
            }
            if (e < 0) {
                e = e <= Long.MIN_VALUE / 2 ? -d - 1 : e + d;
            }
            if (step > 0) {
                s = clamp(s, 0, d);
                e = clamp(e, 0, d);
            } else {
                s = clamp(s, 0, d - 1);
                e = clamp(e, -1, d - 1);
            }
            long n = step > 0 ? (e - s + step - 1) / step : (s - e + (-step) - 1) / (-step);
            st[a] = s;
            sp[a] = step;
            cnt[a] = Math.max(0, n);
        }
        return new SliceBox(st, sp, cnt);
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /**
     * Copies the box out of {@code x}.
     *
     * @param ctx allocation
     * @param x   input
     * @param box resolved box
     * @return the slice
     */
    static Tensor copyBox(ExecContext ctx, Tensor x, SliceBox box) {
        long[] str = LayoutCopy.strides(x.shape());
        long off = 0;
        long[] sStr = new long[str.length];
        for (int i = 0; i < str.length; i++) {
            off += box.start()[i] * str[i];
            sStr[i] = box.step()[i] * str[i];
        }
        Tensor out = ctx.allocate(x.dataType(), box.count());
        if (out.size() > 0) {
            LayoutCopy.copy(ctx, x, off, sStr, out, 0, LayoutCopy.strides(box.count()), box.count());
        }
        return out;
    }

    private static Tensor[] slice(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = ShapeOps.required(node, in, 0);
        SliceBox box;
        if (node.opset() < 10) {
            long[] starts = node.attrInts("starts", null);
            long[] ends = node.attrInts("ends", null);
            if (starts == null || ends == null) {
                throw new InvalidInputException(node + ": Slice needs starts and ends attributes");
            }
            box = resolve(node, x.shape(), starts, ends, node.attrInts("axes", null), null);
        } else {
            box = resolve(node, x.shape(), OpUtil.longs(ShapeOps.required(node, in, 1)),
                    OpUtil.longs(ShapeOps.required(node, in, 2)), OpUtil.longs(ShapeOps.input(node, in, 3)),
                    OpUtil.longs(ShapeOps.input(node, in, 4)));
        }
        return ShapeOps.one(copyBox(ctx, x, box));
    }

    private static Tensor[] concat(Node node, Tensor[] in, ExecContext ctx) {
        Tensor first = null;
        for (Tensor t : in) {
            if (t != null) {
                first = t;
                break;
            }
        }
        if (first == null) {
            throw new InvalidInputException(node + ": Concat has no inputs");
        }
        int r = first.rank();
        int axis = OpUtil.axis(node.attrInt("axis", node.opset() < 4 ? 1 : 0), r, node);
        long[] out = first.shape();
        out[axis] = 0;
        for (Tensor t : in) {
            if (t == null) {
                continue;
            }
            long[] s = t.shape();
            if (s.length != r || t.dataType() != first.dataType()) {
                throw new InvalidInputException(node + ": cannot concat " + t + " with " + first);
            }
            for (int i = 0; i < r; i++) {
                if (i != axis && s[i] != out[i]) {
                    throw new InvalidInputException(node + ": cannot concat " + Arrays.toString(s) + " with "
                            + Arrays.toString(first.shape()) + " on axis " + axis);
                }
            }
            out[axis] += s[axis];
        }
        // The inputs tile the output along the axis, so every element is written.
        Tensor y = ctx.allocateUninitialized(first.dataType(), out);
        long[] yStr = LayoutCopy.strides(out);
        long at = 0;
        for (Tensor t : in) {
            if (t == null) {
                continue;
            }
            LayoutCopy.copy(ctx, t, 0, LayoutCopy.strides(t.shape()), y, at * yStr[axis], yStr, t.shape());
            at += t.dim(axis);
        }
        return ShapeOps.one(y);
    }

    private static Tensor[] split(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = ShapeOps.required(node, in, 0);
        long[] s = x.shape();
        int axis = OpUtil.axis(node.attrInt("axis", 0), s.length, node);
        int outputs = node.outputs().size();
        long[] sizes = node.opset() < 13 ? node.attrInts("split", null) : OpUtil.longs(ShapeOps.input(node, in, 1));
        long d = s[axis];
        if (sizes == null) {
            long num = node.hasAttr("num_outputs") ? node.attrInt("num_outputs", outputs) : outputs;
            sizes = new long[(int) num];
            long chunk = node.opset() >= 18 ? (d + num - 1) / num : d / num;
            if (node.opset() < 18 && d % num != 0) {
                throw new InvalidInputException(node + ": dim " + d + " of axis " + axis + " does not split into "
                        + num + " equal parts");
            }
            long left = d;
            for (int i = 0; i < num; i++) {
                sizes[i] = Math.min(chunk, left);
                left -= sizes[i];
            }
        }
        long total = 0;
        for (long v : sizes) {
            total += v;
        }
        if (total != d || sizes.length < outputs) {
            throw new InvalidInputException(node + ": split " + Arrays.toString(sizes) + " does not cover dim " + d
                    + " of axis " + axis + " into " + outputs + " outputs");
        }
        long[] str = LayoutCopy.strides(s);
        Tensor[] out = new Tensor[outputs];
        long at = 0;
        for (int k = 0; k < outputs; k++) {
            long[] os = s.clone();
            os[axis] = sizes[k];
            out[k] = ctx.allocate(x.dataType(), os);
            LayoutCopy.copy(ctx, x, at * str[axis], str, out[k], 0, LayoutCopy.strides(os), os);
            at += sizes[k];
        }
        return out;
    }

    private static Tensor[] compress(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = ShapeOps.required(node, in, 0);
        Tensor cond = ShapeOps.required(node, in, 1);
        boolean hasAxis = node.hasAttr("axis");
        Tensor src = hasAxis ? x : x.reshape(x.size());
        long[] s = src.shape();
        int axis = hasAxis ? OpUtil.axis(node.attrInt("axis", 0), s.length, node) : 0;
        int n = (int) Math.min(cond.size(), s[axis]);
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (cond.getBoolean(i)) {
                kept++;
            }
        }
        long[] os = s.clone();
        os[axis] = kept;
        Tensor y = ctx.allocate(x.dataType(), os);
        long[] str = LayoutCopy.strides(s);
        long[] yStr = LayoutCopy.strides(os);
        long[] box = s.clone();
        box[axis] = 1;
        for (int i = 0, p = 0; i < n; i++) {
            if (cond.getBoolean(i)) {
                LayoutCopy.copy(null, src, i * str[axis], str, y, p * yStr[axis], yStr, box);
                p++;
            }
        }
        return ShapeOps.one(y);
    }
}
