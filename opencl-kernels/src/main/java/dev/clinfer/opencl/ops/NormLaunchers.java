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
import java.util.List;

/**
 * OpenCL launchers: BatchNormalization (inference), Softmax/LogSoftmax/Hardmax, LayerNormalization
 * and the Reduce* family (norm.cl).
 */
public final class NormLaunchers {
    /** The kernel source. */
    static final String FILE = "norm.cl";
    /** Work-group size of the *_wg kernels (WG in norm.cl). */
    static final int GROUP = 64;
    /** Rows at least this long take the one-work-group-per-row kernels. */
    static final int LONG_ROW = 128;

    private NormLaunchers() {
    }

    /** @param rows work-groups @return global and local sizes of a one-group-per-row launch */
    static long[][] perRowGroups(int rows) {
        return new long[][] {{(long) rows * GROUP}, {GROUP}};
    }

    /** @param r the registry to fill */
    public static void register(DeviceOps r) {
        r.register("BatchNormalization", new BatchNorm());
        NormSoftmax softmax = new NormSoftmax();
        for (String op : new String[] {"Softmax", "LogSoftmax", "Hardmax"}) {
            r.register(op, softmax);
        }
        r.register("LayerNormalization", new NormLayer());
        NormReduce reduce = new NormReduce();
        for (String op : NormReduce.KINDS.keySet()) {
            r.register(op, reduce);
        }
    }

    /** BatchNormalization with running statistics: y = (x - mean) * scale / sqrt(var + eps) + B. */
    static final class BatchNorm implements DeviceOp {
    @Override
    public List<ProgramRef> programs(Node node, DeviceOpContext.Static st) {
        return List.of(new ProgramRef(FILE, ""));
    }

        @Override
        public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static st) {
            if (node.inputs().size() < 5) {
                return false;
            }
            for (int i = 0; i < 5; i++) {
                if (!LayoutIndexing.isFloat(LayoutIndexing.info(inputs, i))) {
                    return false;
                }
            }
            ValueInfo x = inputs.get(0);
            if (x.shape() != null && x.shape().hasRank() && x.shape().rank() < 2) {
                return false;
            }
            // Training (batch statistics) and the per-activation spatial=0 form stay on the CPU.
            for (int k = 1; k < node.outputs().size(); k++) {
                if (LayoutIndexing.wantsOutput(node, k)) {
                    return false;
                }
            }
            return node.attrInt("training_mode", 0) == 0 && node.attrInt("spatial", 1) != 0;
        }

        @Override
        public DeviceTensor[] enqueue(Node node, DeviceTensor[] in, DeviceOpContext ctx) {
            DeviceTensor x = in[0];
            long[] xs = x.shape();
            if (xs.length < 2) {
                throw new InvalidInputException(node + ": X must have rank >= 2, got " + Arrays.toString(xs));
            }
            int c = (int) xs[1];
            for (int i = 1; i < 5; i++) {
                if (in[i].size() != c) {
                    throw new InvalidInputException(node + ": input " + i + " has " + in[i].size()
                            + " elements; expected " + c + " for X " + Arrays.toString(xs));
                }
            }
            DeviceTensor y = ctx.allocate(DataType.FLOAT, xs);
            int n = LayoutIndexing.count(node, xs);
            if (n == 0) {
                return new DeviceTensor[] {y};
            }
            long inner = 1;
            for (int d = 2; d < xs.length; d++) {
                inner *= xs[d];
            }
            ClKernel k = ctx.kernel(FILE, "", "batchnorm");
            k.arg(0, x.buffer()).arg(1, in[1].buffer()).arg(2, in[2].buffer()).arg(3, in[3].buffer())
                    .arg(4, in[4].buffer()).arg(5, y.buffer()).arg(6, n).arg(7, c).arg(8, (int) inner)
                    .arg(9, node.attrFloat("epsilon", 1e-5f));
            ctx.launch(k, LayoutIndexing.global(n), null);
            return new DeviceTensor[] {y};
        }
    }
}
