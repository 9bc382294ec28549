package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.DeviceOp;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;
import dev.clinfer.ops.ActivationSoftmax;

import java.util.List;

/**
 * Softmax, LogSoftmax and Hardmax. Before opset 13 the input is coerced to 2-D at {@code axis}
 * (default 1): rows are the whole trailing block. From opset 13 rows run along one dim (default -1).
 */
final class NormSoftmax implements DeviceOp {
    @Override
    public List<ProgramRef> programs(Node node, DeviceOpContext.Static st) {
        return List.of(new ProgramRef(NormLaunchers.FILE, ""));
    }

    @Override
    public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static st) {
        return LayoutIndexing.isFloat(LayoutIndexing.info(inputs, 0));
    }

    @Override
    public DeviceTensor[] enqueue(Node node, DeviceTensor[] inputs, DeviceOpContext ctx) {
        DeviceTensor x = inputs[0];
        long[] shape = x.shape();
        ActivationSoftmax.Rows rowsOf = ActivationSoftmax.rows(node, shape);
        long outer = rowsOf.outer();
        long len = rowsOf.len();
        long inner = rowsOf.inner();
        DeviceTensor y = ctx.allocate(DataType.FLOAT, shape);
        int rows = LayoutIndexing.count(node, new long[] {outer, inner});
        LayoutIndexing.count(node, shape);
        if (rows == 0 || len == 0) {
            return new DeviceTensor[] {y};
        }
        int kind = switch (node.opType()) {
            case "LogSoftmax" -> 1;
            case "Hardmax" -> 2;
            default -> 0;
        };
        if (inner == 1 && kind != 2 && len >= NormLaunchers.LONG_ROW) {
            ClKernel k = ctx.kernel(NormLaunchers.FILE, "", "softmax_wg");
            k.arg(0, x.buffer()).arg(1, y.buffer()).arg(2, (int) len).arg(3, kind);
            long[][] g = NormLaunchers.perRowGroups(rows);
            ctx.launch(k, g[0], g[1]);
            return new DeviceTensor[] {y};
        }
        ClKernel k = ctx.kernel(NormLaunchers.FILE, "", "softmax_rows");
        k.arg(0, x.buffer()).arg(1, y.buffer()).arg(2, rows).arg(3, (int) len).arg(4, (int) inner).arg(5, kind);
        ctx.launch(k, LayoutIndexing.global(rows), null);
        return new DeviceTensor[] {y};
    }
}
