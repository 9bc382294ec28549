package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.DeviceOp;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Reduce* family over any set of axes: one work item per output element walks the reduced
 * elements (kept and reduced dims are each merged where contiguous). Axes come from the attribute,
 * or from input 1 (opset 13 for ReduceSum, 18 for the rest) when it is given.
 */
final class NormReduce implements DeviceOp {
    @Override
    public List<ProgramRef> programs(Node node, DeviceOpContext.Static st) {
        return List.of(new ProgramRef(NormLaunchers.FILE, "-DRED_" + KINDS.get(node.opType())));
    }

    /** Op type to the kernel's RED_ macro. */
    static final Map<String, String> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("ReduceSum", "SUM");
        KINDS.put("ReduceMean", "MEAN");
        KINDS.put("ReduceMax", "MAX");
        KINDS.put("ReduceMin", "MIN");
        KINDS.put("ReduceProd", "PROD");
        KINDS.put("ReduceL1", "L1");
        KINDS.put("ReduceL2", "L2");
        KINDS.put("ReduceSumSquare", "SUMSQUARE");
        KINDS.put("ReduceLogSum", "LOGSUM");
        KINDS.put("ReduceLogSumExp", "LOGSUMEXP");
    }

    @Override
    public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static st) {
        return LayoutIndexing.isFloat(LayoutIndexing.info(inputs, 0)) && LayoutParams.hostInts(node, 1, inputs, st);
    }

    @Override
    public DeviceTensor[] enqueue(Node node, DeviceTensor[] inputs, DeviceOpContext ctx) {
        DeviceTensor x = inputs[0];
        long[] s = x.shape();
        int rank = s.length;
        long[] axes = LayoutIndexing.present(node, 1) ? LayoutParams.longs(node, 1, ctx, false)
                : node.attrInts("axes", null);
        boolean keep = node.attrInt("keepdims", 1) != 0;
        boolean[] reduced = new boolean[rank];
        if (axes == null || axes.length == 0) {
            if (node.attrInt("noop_with_empty_axes", 0) != 0) {
                return new DeviceTensor[] {x};
            }
            Arrays.fill(reduced, true);
        } else {
            for (long a : axes) {
                int ax = LayoutParams.axis(a, rank, node);
                if (reduced[ax]) {
                    throw new InvalidInputException(node + ": axis " + a + " is listed twice in axes "
                            + Arrays.toString(axes));
                }
                reduced[ax] = true;
            }
        }
        int[] str = LayoutIndexing.strides(s);
        int nk = 0;
        for (boolean r : reduced) {
            nk += r ? 0 : 1;
        }
        long[] kd = new long[nk];
        int[] ks = new int[nk];
        long[] rd = new long[rank - nk];
        int[] rs = new int[rank - nk];
        long[] out = new long[keep ? rank : nk];
        for (int d = 0, a = 0, b = 0, o = 0; d < rank; d++) {
            if (reduced[d]) {
                rd[b] = s[d];
                rs[b++] = str[d];
                if (keep) {
                    out[o++] = 1;
                }
            } else {
                kd[a] = s[d];
                ks[a++] = str[d];
                out[o++] = s[d];
            }
        }
        DeviceTensor y = ctx.allocate(DataType.FLOAT, out);
        int n = LayoutIndexing.count(node, out);
        if (n == 0) {
            return new DeviceTensor[] {y};
        }
        int count = LayoutIndexing.count(node, rd);
        LayoutIndexing.Walk kw = LayoutIndexing.walk(kd, ks).requireFits(node);
        LayoutIndexing.Walk rw = LayoutIndexing.walk(rd, rs).requireFits(node);
        // Long reductions get a work-group each (LogSumExp, which needs its maximum first, excepted).
        boolean wide = count >= NormLaunchers.LONG_ROW && !node.opType().equals("ReduceLogSumExp");
        ClKernel k = ctx.kernel(NormLaunchers.FILE, "-DRED_" + KINDS.get(node.opType()), wide ? "reduce_wg" : "reduce");
        k.arg(0, x.buffer()).arg(1, y.buffer()).arg(2, n).arg(3, count);
        kw.setArgs(k, 4);
        rw.setArgs(k, 7);
        if (wide) {
            long[][] g = NormLaunchers.perRowGroups(n);
            ctx.launch(k, g[0], g[1]);
        } else {
            ctx.launch(k, LayoutIndexing.global(n), null);
        }
        return new DeviceTensor[] {y};
    }
}
