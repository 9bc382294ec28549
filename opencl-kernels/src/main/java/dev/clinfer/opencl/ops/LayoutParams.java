package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.opencl.DeviceOpContext;

import java.util.List;

/** Integer parameter inputs of the layout launchers (shapes, axes, starts, pads). */
final class LayoutParams {
    private LayoutParams() {
    }

    /**
     * @return true when input {@code i} is omitted, a constant, or an integer tensor (which lives on
     *         the host: no launcher makes integer tensors on the device)
     */
    static boolean hostInts(Node node, int i, List<ValueInfo> inputs, DeviceOpContext.Static st) {
        if (!LayoutIndexing.present(node, i)) {
            return true;
        }
        Tensor c = st.constant(node.inputs().get(i));
        if (c != null) {
            return c.dataType() == DataType.INT64 || c.dataType() == DataType.INT32;
        }
        ValueInfo v = LayoutIndexing.info(inputs, i);
        return v != null && (v.type() == DataType.INT64 || v.type() == DataType.INT32);
    }

    /** @return input {@code i} as longs, or null when omitted (or empty, where {@code emptyIsNull}) */
    static long[] longs(Node node, int i, DeviceOpContext ctx, boolean emptyIsNull) {
        if (!LayoutIndexing.present(node, i)) {
            return null;
        }
        Tensor t = ctx.hostInput(node, i);
        if (t == null || (emptyIsNull && t.size() == 0)) {
            return null;
        }
        return t.toLongArray();
    }

    /**
     * @param a    axis, negative from the end
     * @param rank rank
     * @param node for messages
     * @return the axis in [0, rank)
     */
    static int axis(long a, int rank, Node node) {
        long v = a < 0 ? a + rank : a;
        if (v < 0 || v >= Math.max(rank, 1)) {
            throw new InvalidInputException(node + ": axis " + a + " is out of range for rank " + rank);
        }
        return (int) v;
    }
}
