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

import java.util.Arrays;
import java.util.List;

/** Pad (constant, edge, reflect, wrap; negative pads crop): one work item per output element. */
final class LayoutPad implements DeviceOp {
    @Override
    public List<ProgramRef> programs(Node node, DeviceOpContext.Static st) {
        return List.of(new ProgramRef(LayoutLaunchers.FILE, ""));
    }

    private static final List<String> MODES = List.of("constant", "edge", "reflect", "wrap");

    @Override
    public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static st) {
        if (!LayoutIndexing.isFloat(LayoutIndexing.info(inputs, 0))
                || !MODES.contains(node.attrString("mode", "constant"))) {
            return false;
        }
        if (node.opset() < 11) {
            return node.hasAttr(node.opset() < 2 ? "paddings" : "pads");
        }
        // The fill value is a float tensor: it must be a constant (reading it would be a host sync).
        if (LayoutIndexing.present(node, 2)) {
            Tensor v = st.constant(node.inputs().get(2));
            if (v == null || v.dataType() != DataType.FLOAT) {
                return false;
            }
        }
        return LayoutIndexing.present(node, 1) && LayoutParams.hostInts(node, 1, inputs, st)
                && LayoutParams.hostInts(node, 3, inputs, st);
    }

    @Override
    public DeviceTensor[] enqueue(Node node, DeviceTensor[] inputs, DeviceOpContext ctx) {
        DeviceTensor x = inputs[0];
        long[] s = x.shape();
        int r = s.length;
        long[] pads;
        float value = 0;
        long[] axes = null;
        if (node.opset() < 11) {
            pads = node.attrInts(node.opset() < 2 ? "paddings" : "pads", null);
            value = node.attrFloat("value", 0f);
        } else {
            pads = LayoutParams.longs(node, 1, ctx, false);
            Tensor v = LayoutIndexing.present(node, 2) ? ctx.hostInput(node, 2) : null;
            if (v != null && v.size() > 0) {
                value = (float) v.getDouble(0);
            }
            axes = LayoutParams.longs(node, 3, ctx, false);
        }
        long[] begin = new long[r];
        long[] end = new long[r];
        if (axes == null) {
            if (pads == null || pads.length != 2 * r) {
                throw new InvalidInputException(node + ": pads " + Arrays.toString(pads) + " need " + 2 * r
                        + " entries for rank " + r);
            }
            System.arraycopy(pads, 0, begin, 0, r);
            System.arraycopy(pads, r, end, 0, r);
        } else {
            if (pads == null || pads.length != 2 * axes.length) {
                throw new InvalidInputException(node + ": pads " + Arrays.toString(pads)
                        + " need two entries per axis of " + Arrays.toString(axes));
            }
            for (int k = 0; k < axes.length; k++) {
                int a = LayoutParams.axis(axes[k], r, node);
                begin[a] = pads[k];
                end[a] = pads[k + axes.length];
            }
        }
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            out[i] = s[i] + begin[i] + end[i];
            if (out[i] < 0) {
                throw new InvalidInputException(node + ": pads " + begin[i] + "/" + end[i]
                        + " leave a negative dim on axis " + i + " of " + Arrays.toString(s));
            }
        }
        if (r > LayoutIndexing.MAX_RANK) {
            throw new InvalidInputException(node + ": the OpenCL Pad handles rank <= 8, got " + r);
        }
        DeviceTensor y = ctx.allocate(DataType.FLOAT, out);
        int n = LayoutIndexing.count(node, out);
        if (n == 0) {
            return new DeviceTensor[] {y};
        }
        int mode = MODES.indexOf(node.attrString("mode", "constant"));
        if (x.size() == 0 && mode != 0) {
            throw new InvalidInputException(node + ": cannot " + MODES.get(mode) + "-pad an empty tensor");
        }
        int[] istr = LayoutIndexing.strides(s);
        int[] od = new int[8];
        int[] id = new int[8];
        int[] is = new int[8];
        int[] bf = new int[8];
        Arrays.fill(od, 1);
        Arrays.fill(id, 1);
        for (int i = 0; i < r; i++) {
            int k = r - 1 - i;
            od[i] = (int) out[k];
            id[i] = (int) s[k];
            is[i] = istr[k];
            bf[i] = (int) begin[k];
        }
        ClKernel k = ctx.kernel(LayoutLaunchers.FILE, "", "pad");
        k.arg(0, x.buffer()).arg(1, y.buffer()).arg(2, n).arg(3, mode).arg(4, value).arg(5, r)
                .argInts(6, od).argInts(7, id).argInts(8, is).argInts(9, bf);
        ctx.launch(k, LayoutIndexing.global(n), null);
        return new DeviceTensor[] {y};
    }
}
