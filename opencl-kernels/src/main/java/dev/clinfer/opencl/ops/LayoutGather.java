package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.DeviceOp;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;

import java.util.List;

/**
 * Gather of float data with int64/int32 indices (the device copy of the indices is read by the
 * kernel). The indices live on the host (constants, graph inputs, or CPU-lane results), so their
 * range is checked there first, as the Java operator does.
 */
final class LayoutGather implements DeviceOp {
    @Override
    public List<ProgramRef> programs(Node node, DeviceOpContext.Static st) {
        return List.of(new ProgramRef(LayoutLaunchers.FILE, ""));
    }

    @Override
    public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static st) {
        ValueInfo data = LayoutIndexing.info(inputs, 0);
        if (!LayoutIndexing.isFloat(data) || node.inputs().size() < 2) {
            return false;
        }
        if (data.shape() != null && data.shape().hasRank() && data.shape().rank() == 0) {
            return false;
        }
        return LayoutIndexing.present(node, 1) && LayoutParams.hostInts(node, 1, inputs, st);
    }

    @Override
    public DeviceTensor[] enqueue(Node node, DeviceTensor[] inputs, DeviceOpContext ctx) {
        DeviceTensor data = inputs[0];
        DeviceTensor indices = inputs[1];
        long[] ds = data.shape();
        int r = ds.length;
        if (r == 0) {
            throw new InvalidInputException(node + ": data must have rank >= 1, got a scalar");
        }
        int axis = LayoutParams.axis(node.attrInt("axis", 0), r, node);
        long[] is = indices.shape();
        long[] os = new long[r - 1 + is.length];
        System.arraycopy(ds, 0, os, 0, axis);
        System.arraycopy(is, 0, os, axis, is.length);
        System.arraycopy(ds, axis + 1, os, axis + is.length, r - axis - 1);
        long dim = ds[axis];
        Tensor host = ctx.hostInput(node, 1);
        long[] raw = host.toLongArray();
        for (long v : raw) {
            if (v < -dim || v >= dim) {
                throw new InvalidInputException(node + ": indices value " + v + " is out of range [" + -dim + ", "
                        + dim + ") for axis " + axis + " of data " + java.util.Arrays.toString(ds));
            }
        }
        DeviceTensor y = ctx.allocate(DataType.FLOAT, os);
        int n = LayoutIndexing.count(node, os);
        if (n == 0) {
            return new DeviceTensor[] {y};
        }
        long inner = 1;
        for (int d = axis + 1; d < r; d++) {
            inner *= ds[d];
        }
        String kernel = indices.type() == DataType.INT64 ? "gather_i64" : "gather_i32";
        ClKernel k = ctx.kernel(LayoutLaunchers.FILE, "", kernel);
        k.arg(0, data.buffer()).arg(1, indices.buffer()).arg(2, y.buffer()).arg(3, n).arg(4, raw.length)
                .arg(5, (int) inner).arg(6, (int) dim);
        ctx.launch(k, LayoutIndexing.global(n), null);
        return new DeviceTensor[] {y};
    }
}
