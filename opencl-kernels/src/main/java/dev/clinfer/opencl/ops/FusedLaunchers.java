package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.DeviceOp;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;
import dev.clinfer.ops.FusedActivation;
import dev.clinfer.ops.FusedOps;

import java.util.Arrays;
import java.util.List;

/**
 * OpenCL launchers of the graph optimiser's fused nodes (domain {@code dev.clinfer}):
 * FusedConv (the Conv launcher with an activation epilogue built into conv.cl / gemm.cl),
 * FusedMatMul (one GEMM over the flattened batch, bias as the C term), FusedGelu (fused.cl),
 * FusedElementwise ({@link FusedElementwiseLauncher}) and FusedAttention
 * ({@link FusedAttentionLauncher}).
 */
public final class FusedLaunchers {
    static final String PROGRAM = "fused.cl";

    private FusedLaunchers() {
    }

    /** @param node a fused node @return whether its activation attributes name one the kernels have */
    static boolean knownActivation(Node node) {
        try {
            FusedActivation.of(node);
            return true;
        } catch (InvalidInputException e) {
            return false;
        }
    }

    /** @param r the registry to fill */
    public static void register(DeviceOps r) {
        r.register(FusedOps.DOMAIN, "FusedConv", new DeviceOp() {
            @Override
            public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static ctx) {
                return knownActivation(node) && ConvLaunchers.supported(inputs);
            }

            @Override
            public List<ProgramRef> programs(Node node, DeviceOpContext.Static ctx) {
                return ConvLaunchers.programs(node, ctx, FusedActivation.of(node).clOptions());
            }

            @Override
            public DeviceTensor[] enqueue(Node node, DeviceTensor[] in, DeviceOpContext ctx) {
                return new DeviceTensor[] {ConvLaunchers.conv(node, in[0], in[1], in.length > 2 ? in[2] : null, ctx,
                        FusedActivation.of(node).clOptions())};
            }
        });
        r.register(FusedOps.DOMAIN, "FusedConvAdd", new FusedConvAddLauncher());
        r.register(FusedOps.DOMAIN, "FusedMatMul", new DeviceOp() {
            @Override
            public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static ctx) {
                boolean c = inputs.size() > 2 && inputs.get(2) != null;
                return GemmLaunchers.floats(inputs, 0, 1) && (!c || GemmLaunchers.floats(inputs, 2))
                        && GemmLaunchers.rankIn(inputs.get(0), 1, 8) && GemmLaunchers.rankIn(inputs.get(1), 2, 2)
                        && (!c || GemmLaunchers.rankIn(inputs.get(2), 0, 1));
            }

            @Override
            public DeviceTensor[] enqueue(Node node, DeviceTensor[] in, DeviceOpContext ctx) {
                return new DeviceTensor[] {matMul(node, in[0], in[1], in.length > 2 ? in[2] : null, ctx)};
            }
        });
        r.register(FusedOps.DOMAIN, "FusedGelu", new DeviceOp() {
            @Override
            public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static ctx) {
                return GemmLaunchers.floats(inputs, 0);
            }

            @Override
            public List<ProgramRef> programs(Node node, DeviceOpContext.Static ctx) {
                return List.of(new ProgramRef(PROGRAM, ""));
            }

            @Override
            public DeviceTensor[] enqueue(Node node, DeviceTensor[] in, DeviceOpContext ctx) {
                DeviceTensor y = ctx.allocate(DataType.FLOAT, in[0].shape());
                int total = GemmLaunchers.checkedInt(node, y.size());
                if (total > 0) {
                    ClKernel k = ctx.kernel(PROGRAM, "", "fused_gelu");
                    k.arg(0, in[0].buffer()).arg(1, y.buffer()).arg(2, total);
                    ctx.launch(k, new long[] {(total + 7) / 8}, null);
                }
                return new DeviceTensor[] {y};
            }
        });
        FusedElementwiseLauncher.register(r);
        FusedAttentionLauncher.register(r);
    }

    /** {@code A[..., K] x op(B) + bias} as one GEMM of {@code prod(batch)} rows. */
    private static DeviceTensor matMul(Node node, DeviceTensor a, DeviceTensor b, DeviceTensor bias,
                                       DeviceOpContext ctx) {
        long[] as = a.shape();
        long[] bs = b.shape();
        boolean transB = node.attrInt("transB", 0) != 0;
        if (as.length < 1 || bs.length != 2) {
            throw new InvalidInputException(node + ": FusedMatMul needs A of rank >= 1 and a 2-D B, got "
                    + Arrays.toString(as) + " and " + Arrays.toString(bs));
        }
        int k = GemmLaunchers.checkedInt(node, as[as.length - 1]);
        int kb = GemmLaunchers.checkedInt(node, transB ? bs[1] : bs[0]);
        int n = GemmLaunchers.checkedInt(node, transB ? bs[0] : bs[1]);
        if (k != kb) {
            throw new InvalidInputException(node + ": inner dims differ: A " + Arrays.toString(as) + " x B "
                    + Arrays.toString(bs));
        }
        long[] out = as.clone();
        out[out.length - 1] = n;
        DeviceTensor y = ctx.allocate(DataType.FLOAT, out);
        GemmLaunchers.checkedInt(node, y.size());
        GemmLaunchers.checkedInt(node, a.size());
        GemmCall g = new GemmCall();
        g.m = GemmLaunchers.checkedInt(node, dev.clinfer.api.Tensor.elementCount(Arrays.copyOf(as, as.length - 1)));
        g.n = n;
        g.k = k;
        g.sAm = k;
        g.sAk = 1;
        g.sBk = transB ? 1 : n;
        g.sBn = transB ? k : 1;
        g.alpha = node.attrFloat("alpha", 1f);
        if (bias != null) {
            if (bias.size() != n && bias.size() != 1) {
                throw new InvalidInputException(node + ": bias " + Arrays.toString(bias.shape()) + " is not [" + n + "]");
            }
            g.c = bias.buffer();
            g.beta = node.attrFloat("beta", 1f);
            g.sCm = 0;
            g.sCn = bias.size() == 1 ? 0 : 1;
        }
        g.a = a.buffer();
        g.b = b.buffer();
        g.y = y.buffer();
        g.enqueue(ctx);
        return y;
    }
}
