package dev.clinfer.ops;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** SplitToSequence and ConcatFromSequence: the sequence forms of Split and Concat/stack. */
final class SequenceSplitConcat {
    private SequenceSplitConcat() {
    }

    /**
     * Splits along {@code axis}: into pieces of one (and, with {@code keepdims=0}, that axis
     * removed) when {@code split} is omitted, into pieces of the scalar {@code split} (the last
     * one shorter) or into the lengths of a 1-D {@code split}.
     */
    static Tensor[] splitToSequence(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = ShapeOps.required(node, in, 0);
        Tensor split = ShapeOps.input(node, in, 1);
        long[] s = x.shape();
        int axis = OpUtil.axis(node.attrInt("axis", 0), s.length, node);
        long d = s[axis];
        long[] sizes;
        boolean squeeze = false;
        if (split == null) {
            sizes = new long[(int) d];
            Arrays.fill(sizes, 1);
            squeeze = node.attrInt("keepdims", 1) == 0;
        } else if (split.rank() == 0) {
            long chunk = split.getLong(0);
            if (chunk <= 0) {
                throw new InvalidInputException(node + ": scalar 'split' must be positive, got " + chunk);
            }
            sizes = new long[(int) ((d + chunk - 1) / chunk)];
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = Math.min(chunk, d - i * chunk);
            }
        } else {
            sizes = OpUtil.longs(split);
            long total = 0;
            for (long v : sizes) {
                if (v < 0) {
                    throw new InvalidInputException(node + ": negative length in 'split' " + Arrays.toString(sizes));
                }
                total += v;
            }
            if (total != d) {
                throw new InvalidInputException(node + ": 'split' " + Arrays.toString(sizes) + " sums to " + total
                        + ", but axis " + axis + " of " + Arrays.toString(s) + " has " + d);
            }
        }
        long[] str = LayoutCopy.strides(s);
        List<Tensor> parts = new ArrayList<>(sizes.length);
        long at = 0;
        for (long len : sizes) {
            long[] ps = s.clone();
            ps[axis] = len;
            // Plain allocation: the parts live in a sequence, outside the activation pool.
            Tensor p = Tensor.allocate(x.dataType(), ps);
            LayoutCopy.copy(ctx, x, at * str[axis], str, p, 0, LayoutCopy.strides(ps), ps);
            parts.add(squeeze ? p.reshape(removeAxis(ps, axis)) : p);
            at += len;
        }
        return new Tensor[] {Tensor.sequence(x.dataType(), parts)};
    }

    /**
     * Concatenates the items along {@code axis}, or with {@code new_axis=1} stacks them along a
     * new axis at that position (then {@code axis} may be {@code -rank-1 .. rank}).
     */
    static Tensor[] concatFromSequence(Node node, Tensor[] in, ExecContext ctx) {
        Tensor seq = SequenceOps.sequence(node, in, 0);
        List<Tensor> items = seq.items();
        if (items.isEmpty()) {
            throw new InvalidInputException(node + ": cannot concatenate an empty sequence");
        }
        if (!node.hasAttr("axis")) {
            throw new InvalidInputException(node + ": missing required attribute 'axis'");
        }
        boolean newAxis = node.attrInt("new_axis", 0) == 1;
        Tensor first = items.get(0);
        int r = first.rank();
        int axis = OpUtil.axis(node.attrInt("axis", 0), newAxis ? r + 1 : r, node);
        List<Tensor> parts = new ArrayList<>(items.size());
        for (Tensor t : items) {
            parts.add(newAxis ? t.reshape(insertAxis(t.shape(), axis)) : t);
        }
        long[] out = parts.get(0).shape();
        out[axis] = 0;
        for (int k = 0; k < parts.size(); k++) {
            long[] ps = parts.get(k).shape();
            boolean ok = ps.length == out.length && parts.get(k).dataType() == first.dataType();
            for (int i = 0; ok && i < ps.length; i++) {
                ok = i == axis || ps[i] == out[i];
            }
            if (!ok) {
                throw new InvalidInputException(node + ": item " + k + " (" + items.get(k) + ") does not "
                        + (newAxis ? "stack with " : "concatenate on axis " + axis + " with ") + first);
            }
            out[axis] += ps[axis];
        }
        Tensor y = ctx.allocate(first.dataType(), out);
        long[] yStr = LayoutCopy.strides(out);
        long at = 0;
        for (Tensor p : parts) {
            LayoutCopy.copy(ctx, p, 0, LayoutCopy.strides(p.shape()), y, at * yStr[axis], yStr, p.shape());
            at += p.dim(axis);
        }
        return new Tensor[] {y};
    }

    private static long[] removeAxis(long[] s, int axis) {
        long[] o = new long[s.length - 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            if (i != axis) {
                o[j++] = s[i];
            }
        }
        return o;
    }

    private static long[] insertAxis(long[] s, int axis) {
        long[] o = new long[s.length + 1];
        for (int i = 0, j = 0; i < o.length; i++) {
            o[i] = i == axis ? 1 : s[j++];
        }
        return o;
    }
}
