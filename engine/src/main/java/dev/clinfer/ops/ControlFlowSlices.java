package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/** Taking one slice out of a tensor along an axis, and stacking slices back: what Loop and Scan need. */
final class ControlFlowSlices {
    private ControlFlowSlices() {
    }

    /**
     * @param t     the tensor
     * @param axis  the axis in {@code [0, rank)}
     * @param index position along it
     * @param ctx   allocation
     * @return {@code t[..., index, ...]} with the axis removed (a copy)
     */
    static Tensor slice(Tensor t, int axis, int index, ExecContext ctx) {
        long[] s = t.shape();
        long[] o = new long[s.length - 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            if (i != axis) {
                o[j++] = s[i];
            }
        }
        if (axis == 0) {
            // Leading axis: the slice is one contiguous run.
            int inner = OpUtil.size(o);
            Tensor out = ctx.allocate(t.dataType(), o);
            copy(t, index * inner, out, 0, inner);
            return out;
        }
        int outer = OpUtil.size(Arrays.copyOfRange(s, 0, axis));
        int n = (int) s[axis];
        int inner = OpUtil.size(Arrays.copyOfRange(s, axis + 1, s.length));
        Tensor out = ctx.allocate(t.dataType(), o);
        for (int k = 0; k < outer; k++) {
            copy(t, (k * n + index) * inner, out, k * inner, inner);
        }
        return out;
    }

    /**
     * Stacks equal-shaped slices along a new axis.
     *
     * @param node    for error messages
     * @param what    what the slices are, for error messages
     * @param parts   the slices, in output order
     * @param axis    where the new axis goes, in {@code [0, rank]}
     * @param ctx     allocation
     * @return the stacked tensor
     */
    static Tensor stack(Node node, String what, List<Tensor> parts, int axis, ExecContext ctx) {
        Tensor first = parts.get(0);
        long[] s = first.shape();
        for (Tensor p : parts) {
            if (!Arrays.equals(p.shape(), s) || p.dataType() != first.dataType()) {
                throw new InvalidInputException(node + ": " + what + " changes from " + first.dataType() + " "
                        + Arrays.toString(s) + " to " + p.dataType() + " " + Arrays.toString(p.shape())
                        + " between iterations");
            }
        }
        int n = parts.size();
        long[] o = new long[s.length + 1];
        for (int i = 0, j = 0; i < o.length; i++) {
            o[i] = i == axis ? n : s[j++];
        }
        int outer = OpUtil.size(Arrays.copyOfRange(s, 0, axis));
        int inner = OpUtil.size(Arrays.copyOfRange(s, axis, s.length));
        Tensor out = ctx.allocate(first.dataType(), o);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < outer; k++) {
                copy(parts.get(i), k * inner, out, (k * n + i) * inner, inner);
            }
        }
        return out;
    }

    /**
     * Copies {@code count} elements between tensors of the same type.
     *
     * @param src    source
     * @param srcPos first source element
     * @param dst    destination
     * @param dstPos first destination element
     * @param count  elements
     */
    static void copy(Tensor src, int srcPos, Tensor dst, int dstPos, int count) {
        if (count == 0) {
            return;
        }
        if (src.dataType() == DataType.STRING) {
            System.arraycopy(src.strings(), srcPos, dst.strings(), dstPos, count);
            return;
        }
        int es = src.dataType().byteSize();
        ByteBuffer s = src.buffer();
        s.limit((srcPos + count) * es).position(srcPos * es);
        ByteBuffer d = dst.buffer();
        d.position(dstPos * es);
        d.put(s);
    }
}
