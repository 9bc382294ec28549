package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.DeviceOp;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;
import dev.clinfer.ops.OpUtil;

import java.util.Arrays;
import java.util.List;

/**
 * Launcher of the float binary ops with numpy broadcasting. Equal shapes and scalar operands take
 * a flat kernel; anything else walks merged dims with per-operand strides (0 where broadcast).
 * Max/Min/Sum/Mean fold their inputs pairwise, left to right.
 */
final class ElementwiseBinary implements DeviceOp {
    @Override
    public List<ProgramRef> programs(Node node, DeviceOpContext.Static st) {
        return node.opType().equals("Mean")
                ? List.of(new ProgramRef(ElementwiseLaunchers.FILE, ElementwiseLaunchers.options("Mean")),
                        new ProgramRef(ElementwiseLaunchers.FILE, ElementwiseLaunchers.options("MeanDiv")))
                : List.of(new ProgramRef(ElementwiseLaunchers.FILE, ElementwiseLaunchers.options(node.opType())));
    }

    @Override
    public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static st) {
        String op = node.opType();
        boolean variadic = op.equals("Max") || op.equals("Min") || op.equals("Sum") || op.equals("Mean");
        int n = node.inputs().size();
        if (variadic ? n < 1 : n != 2) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (!LayoutIndexing.isFloat(LayoutIndexing.info(inputs, i))) {
                return false;
            }
        }
        // Before opset 7, broadcasting was the legacy 'broadcast'/'axis' kind.
        return !(node.opset() < 7 && node.attrInt("broadcast", 0) != 0);
    }

    @Override
    public DeviceTensor[] enqueue(Node node, DeviceTensor[] inputs, DeviceOpContext ctx) {
        String op = node.opType();
        if (op.equals("PRelu")) {
            return new DeviceTensor[] {prelu(node, inputs[0], inputs[1], ctx)};
        }
        String kernelOp = op.equals("Mean") ? "Sum" : op;
        DeviceTensor acc = inputs[0];
        for (int i = 1; i < inputs.length; i++) {
            acc = binary(node, kernelOp, acc, inputs[i], ctx);
        }
        if (op.equals("Mean") && inputs.length > 1) {
            acc = divideBy(node, acc, inputs.length, ctx);
        }
        return new DeviceTensor[] {acc};
    }

    /** PRelu: the slope broadcasts to X; a [C] slope of an [N, C, ...] X lines up with dim 1. */
    private static DeviceTensor prelu(Node node, DeviceTensor x, DeviceTensor slope, DeviceOpContext ctx) {
        long[] xs = x.shape();
        long[] ss = slope.shape();
        if (!broadcastsTo(ss, xs) && ss.length == 1 && xs.length >= 2 && ss[0] == xs[1]) {
            long[] s = new long[xs.length - 1];
            Arrays.fill(s, 1);
            s[0] = xs[1];
            slope = slope.reshape(s);
        }
        if (!broadcastsTo(slope.shape(), xs)) {
            throw new InvalidInputException(node + ": slope " + Arrays.toString(ss) + " does not broadcast to X "
                    + Arrays.toString(xs));
        }
        return binary(node, "PRelu", x, slope, ctx);
    }

    private static boolean broadcastsTo(long[] s, long[] target) {
        if (s.length > target.length) {
            return false;
        }
        for (int i = 0; i < s.length; i++) {
            long d = s[s.length - 1 - i];
            if (d != 1 && d != target[target.length - 1 - i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Enqueues out = op(a, b) with numpy broadcasting.
     *
     * @param node node (messages)
     * @param op   op type naming the kernel body
     * @param a    left operand
     * @param b    right operand
     * @param ctx  request
     * @return the result
     */
    static DeviceTensor binary(Node node, String op, DeviceTensor a, DeviceTensor b, DeviceOpContext ctx) {
        long[] as = a.shape();
        long[] bs = b.shape();
        long[] out = OpUtil.broadcastShape(node, as, bs);
        DeviceTensor y = ctx.allocate(DataType.FLOAT, out);
        int n = LayoutIndexing.count(node, out);
        if (n == 0) {
            return y;
        }
        String opts = ElementwiseLaunchers.options(op);
        boolean aFull = Arrays.equals(as, out) || a.size() == n;
        boolean bFull = Arrays.equals(bs, out) || b.size() == n;
        if ((aFull || a.size() == 1) && (bFull || b.size() == 1)) {
            ClKernel k = ctx.kernel(ElementwiseLaunchers.FILE, opts, "binary_flat");
            k.arg(0, a.buffer()).arg(1, b.buffer()).arg(2, y.buffer()).arg(3, n)
                    .arg(4, aFull ? 1 : 0).arg(5, bFull ? 1 : 0);
            ctx.launch(k, LayoutIndexing.global(n), null);
            return y;
        }
        LayoutIndexing.Walk w = LayoutIndexing.walk(out, LayoutIndexing.broadcastStrides(as, out),
                LayoutIndexing.broadcastStrides(bs, out)).requireFits(node);
        ClKernel k = ctx.kernel(ElementwiseLaunchers.FILE, opts, "binary_bcast");
        k.arg(0, a.buffer()).arg(1, b.buffer()).arg(2, y.buffer()).arg(3, n);
        w.setArgs(k, 4);
        ctx.launch(k, LayoutIndexing.global(n), null);
        return y;
    }

    private static DeviceTensor divideBy(Node node, DeviceTensor x, int count, DeviceOpContext ctx) {
        DeviceTensor y = ctx.allocate(DataType.FLOAT, x.shape());
        int n = LayoutIndexing.count(node, x.shape());
        if (n > 0) {
            ClKernel k = ctx.kernel(ElementwiseLaunchers.FILE, ElementwiseLaunchers.options("MeanDiv"), "unary");
            k.arg(0, x.buffer()).arg(1, y.buffer()).arg(2, n).arg(3, (float) count).arg(4, 0f);
            ctx.launch(k, LayoutIndexing.global(n), null);
        }
        return y;
    }
}
