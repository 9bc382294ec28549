package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.ir.Node;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;
import dev.clinfer.ops.ShapeSliceOps;

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
        if (starts == null || ends == null) {
            throw new InvalidInputException(node + ": starts/ends/axes/steps are missing or their lengths differ");
        }
        long[] dims = x.shape();
        ShapeSliceOps.SliceBox box = ShapeSliceOps.resolve(node, dims, starts, ends, axes, steps);
        long[] count = box.count();
        int[] xs = LayoutIndexing.strides(dims);
        int[] sx = xs.clone();
        long base = 0;
        for (int a = 0; a < dims.length; a++) {
            // Dims left whole keep start 0 and step 1; an empty dim keeps its plain stride.
            if (count[a] > 0) {
                base += box.start()[a] * xs[a];
                sx[a] = (int) (xs[a] * box.step()[a]);
            }
        }
        DeviceTensor y = ctx.allocate(DataType.FLOAT, count);
        LayoutCopies.copy(node, x, y, count, sx, (int) base, LayoutIndexing.strides(count), 0, ctx);
        return y;
    }
}
