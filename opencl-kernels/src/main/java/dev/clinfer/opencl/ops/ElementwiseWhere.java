package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.DeviceOp;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;
import dev.clinfer.ops.OpUtil;

import java.util.List;

/** Launcher of Where with a bool condition and float branches, three-way broadcasting. */
final class ElementwiseWhere implements DeviceOp {
    @Override
    public List<ProgramRef> programs(Node node, DeviceOpContext.Static st) {
        return List.of(new ProgramRef(ElementwiseLaunchers.FILE, "-DOP_WHERE"));
    }

    @Override
    public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static st) {
        ValueInfo c = LayoutIndexing.info(inputs, 0);
        return node.inputs().size() == 3 && c != null && c.type() == DataType.BOOL
                && LayoutIndexing.isFloat(LayoutIndexing.info(inputs, 1))
                && LayoutIndexing.isFloat(LayoutIndexing.info(inputs, 2));
    }

    @Override
    public DeviceTensor[] enqueue(Node node, DeviceTensor[] inputs, DeviceOpContext ctx) {
        DeviceTensor c = inputs[0];
        DeviceTensor a = inputs[1];
        DeviceTensor b = inputs[2];
        long[] out = OpUtil.broadcastShape(node, c.shape(), a.shape(), b.shape());
        DeviceTensor y = ctx.allocate(DataType.FLOAT, out);
        int n = LayoutIndexing.count(node, out);
        if (n == 0) {
            return new DeviceTensor[] {y};
        }
        LayoutIndexing.Walk w = LayoutIndexing.walk(out, LayoutIndexing.broadcastStrides(c.shape(), out),
                LayoutIndexing.broadcastStrides(a.shape(), out), LayoutIndexing.broadcastStrides(b.shape(), out))
                .requireFits(node);
        ClKernel k = ctx.kernel(ElementwiseLaunchers.FILE, "-DOP_WHERE", "where_bcast");
        k.arg(0, c.buffer()).arg(1, a.buffer()).arg(2, b.buffer()).arg(3, y.buffer()).arg(4, n);
        // Kernel order is (rank, dims, sc, sa, sb): the walk's operand order above.
        w.setArgs(k, 5);
        ctx.launch(k, LayoutIndexing.global(n), null);
        return new DeviceTensor[] {y};
    }
}
