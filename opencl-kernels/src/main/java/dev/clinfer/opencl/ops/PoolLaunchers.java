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
 * OpenCL launchers: MaxPool (without the Indices output), AveragePool (1-D and 2-D),
 * GlobalAveragePool and GlobalMaxPool (any rank), float32 (pool.cl). LpPool, 3-D windows and
 * MaxPool with Indices stay on the CPU lane.
 */
public final class PoolLaunchers {
    private static final String PROGRAM = "pool.cl";
    private static final String OPTIONS = "";
    /** Work-group size of global_pool (the GLS default in pool.cl). */
    private static final int GLS = 64;

    private PoolLaunchers() {
    }

    /** @param r the registry to fill */
    public static void register(DeviceOps r) {
        r.register("MaxPool", windowed("max_pool"));
        r.register("AveragePool", windowed("avg_pool"));
        r.register("GlobalAveragePool", global(false));
        r.register("GlobalMaxPool", global(true));
    }

    private static DeviceOp windowed(String kernel) {
        return new DeviceOp() {
            @Override
            public List<ProgramRef> programs(Node node, DeviceOpContext.Static st) {
                return List.of(new ProgramRef(PROGRAM, OPTIONS));
            }

            @Override
            public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static ctx) {
                boolean indices = node.outputs().size() > 1 && !node.outputs().get(1).isEmpty();
                return !indices && GemmLaunchers.floats(inputs, 0) && GemmLaunchers.rankIn(inputs.get(0), 3, 4)
                        && node.hasAttr("kernel_shape");
            }

            @Override
            public DeviceTensor[] enqueue(Node node, DeviceTensor[] in, DeviceOpContext ctx) {
                DeviceTensor x = in[0];
                boolean includePad = node.attrInt("count_include_pad", 0) != 0;
                PoolShape s = PoolShape.of(node, x.shape(), includePad);
                DeviceTensor y = ctx.allocate(DataType.FLOAT, s.outShape);
                int total = GemmLaunchers.checkedInt(node, y.size());
                GemmLaunchers.checkedInt(node, x.size());
                if (total > 0) {
                    long ow = s.outShape[s.outShape.length - 1];
                    if (kernel.equals("max_pool") && threeByThreeStrideTwo(s.packed) && !ctx.device().isGpuLike()) {
                        // CPU devices: a plane per work-item, eight outputs at a time from vector loads
                        ClKernel k = ctx.kernel(PROGRAM, OPTIONS, "max_pool_k3s2x8");
                        k.arg(0, x.buffer()).arg(1, y.buffer()).arg(2, total).argInts(3, s.packed);
                        ctx.launch(k, new long[] {1, 1, s.planes}, new long[] {1, 1, 1});
                        return new DeviceTensor[] {y};
                    }
                    ClKernel k = ctx.kernel(PROGRAM, OPTIONS, kernel);
                    k.arg(0, x.buffer()).arg(1, y.buffer()).arg(2, total).argInts(3, s.packed);
                    ctx.launch(k, new long[] {ow, s.packed[4], s.planes}, null);
                }
                return new DeviceTensor[] {y};
            }
        };
    }

    /** @param p packed window geometry (pool.cl) @return a 3x3 window with stride 2 and no dilation */
    private static boolean threeByThreeStrideTwo(int[] p) {
        return p[2] == 3 && p[3] == 3 && p[6] == 2 && p[7] == 2 && p[10] == 1 && p[11] == 1;
    }

    private static DeviceOp global(boolean max) {
        return new DeviceOp() {
            @Override
            public List<ProgramRef> programs(Node node, DeviceOpContext.Static st) {
                return List.of(new ProgramRef(PROGRAM, OPTIONS));
            }

            @Override
            public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static ctx) {
                return GemmLaunchers.floats(inputs, 0) && GemmLaunchers.rankIn(inputs.get(0), 3, 8);
            }

            @Override
            public DeviceTensor[] enqueue(Node node, DeviceTensor[] in, DeviceOpContext ctx) {
                DeviceTensor x = in[0];
                long[] xs = x.shape();
                if (xs.length < 3) {
                    throw new InvalidInputException(node + ": X " + Arrays.toString(xs) + " must have rank >= 3");
                }
                long[] ys = xs.clone();
                long inS = 1;
                for (int d = 2; d < ys.length; d++) {
                    inS *= ys[d];
                    ys[d] = 1;
                }
                DeviceTensor y = ctx.allocate(DataType.FLOAT, ys);
                int planes = GemmLaunchers.checkedInt(node, y.size());
                GemmLaunchers.checkedInt(node, x.size());
                if (planes > 0) {
                    // GPUs reduce a plane with a work-group; CPU devices with one work-item.
                    boolean gpu = ctx.device().isGpuLike();
                    ClKernel k = ctx.kernel(PROGRAM, OPTIONS, gpu ? "global_pool" : "global_pool_planes");
                    k.arg(0, x.buffer()).arg(1, y.buffer()).arg(2, GemmLaunchers.checkedInt(node, inS)).arg(3, max ? 1 : 0);
                    if (gpu) {
                        ctx.launch(k, new long[] {(long) planes * GLS}, new long[] {GLS});
                    } else {
                        ctx.launch(k, new long[] {planes}, new long[] {1});
                    }
                }
                return new DeviceTensor[] {y};
            }
        };
    }
}
