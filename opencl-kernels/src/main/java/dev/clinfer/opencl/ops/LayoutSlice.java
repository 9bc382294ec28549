package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.ir.Node;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;

/** Slice as one strided copy: the start is the source offset, steps (also negative) scale the strides. */
final class LayoutSlice {
    private LayoutSlice() {
    }

    /** @param node the Slice node @param x data @param ctx request @return the slice */
    static DeviceTensor slice(Node node, DeviceTensor x, DeviceOpContext ctx) {
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (node.opset() < 10) {
            starts = node.attrInts("starts", null);
            ends = node.attrInts("ends", null);
            axes = node.attrInts("axes", null);
        } else {
            starts = LayoutParams.longs(node, 1, ctx, false);
            ends = LayoutParams.longs(node, 2, ctx, false);
            axes = LayoutParams.longs(node, 3, ctx, false);
            steps = LayoutParams.longs(node, 4, ctx, false);
        }
        long[] dims = x.shape();
        int r = dims.length;
        if (starts == null || ends == null || starts.length != ends.length
                || (axes != null && axes.length != starts.length) || (steps != null && steps.length != starts.length)) {
            throw new InvalidInputException(node + ": starts/ends/axes/steps are missing or their lengths differ");
        }
        int[] xs = LayoutIndexing.strides(dims);
        long[] count = dims.clone();
        int[] sx = xs.clone();
        long base = 0;
        boolean[] seen = new boolean[r];
        for (int k = 0; k < starts.length; k++) {
            int a = LayoutParams.axis(axes == null ? k : axes[k], r, node);
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
            // Guard the INT64_MIN-like sentinels before adding d.
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
            n = Math.max(0, n);
            count[a] = n;
            if (n > 0) {
                base += s * xs[a];
                sx[a] = (int) (xs[a] * step);
            }
        }
        DeviceTensor y = ctx.allocate(DataType.FLOAT, count);
        LayoutCopies.copy(node, x, y, count, sx, (int) base, LayoutIndexing.strides(count), 0, ctx);
        return y;
    }

    private static long clamp(long v, long lo, long hi) {
        return v < lo ? lo : Math.min(v, hi);
    }
}
