package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.ir.Node;
import dev.clinfer.opencl.ClBinding;
import dev.clinfer.opencl.ClBindings;
import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ClDevice;
import dev.clinfer.opencl.ClQueue;
import dev.clinfer.opencl.DeviceOp;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;
import dev.clinfer.opencl.ProgramCache;

import java.util.ArrayList;
import java.util.Arrays;

/**
 * Times Conv shapes through the launcher on the first device of a binding, once per strategy
 * (not a unit test; used to set the direct-versus-GEMM rule of {@link ConvPlan}). Each argument
 * is one shape {@code C,H,W,M,K,stride,pad,group}, or {@code T:C,H,W,M,K,stride} for a
 * ConvTranspose (no pads; "gemm" is then the gather, "direct" conv_transpose.cl); system
 * properties {@code reps} (default 5) and {@code strategies} (default gemm,direct; "padded" is
 * the direct kernel on a padded copy for depthwise).
 */
public final class ConvBenchMain {
    private ConvBenchMain() {
    }

    private static DeviceOp transposeOp() {
        return DeviceOps.defaultOps().find("", "ConvTranspose");
    }

    private static void run(DeviceOp transpose, Node node, DeviceTensor x, DeviceTensor w, DeviceTensor b,
                            DeviceOpContext ctx) {
        if (transpose != null) {
            transpose.enqueue(node, new DeviceTensor[] {x, w, b}, ctx);
        } else {
            ConvLaunchers.conv(node, x, w, b, ctx, "");
        }
    }

    /** @param args shapes */
    public static void main(String[] args) {
        int reps = Integer.getInteger("reps", 5);
        ClBinding b = ClBindings.open("jocl", new ArrayList<>());
        ClDevice d = b.devices().get(0);
        try (ClContext context = b.createContext(d); ClQueue queue = context.createQueue(false);
             ProgramCache programs = new ProgramCache(context);
             OwningOpContext ctx = new OwningOpContext(context, programs, queue)) {
            System.out.println("device: " + d);
            for (String a : args) {
                boolean transpose = a.startsWith("T:");
                int[] v = Arrays.stream(a.substring(transpose ? 2 : 0).split(",")).mapToInt(Integer::parseInt).toArray();
                int c = v[0], h = v[1], w = v[2], m = v[3], k = v[4], st = v[5];
                int pad = transpose ? 0 : v[6], group = transpose ? 1 : v[7];
                Node node = transpose
                        ? GemmTestNodes.node("ConvTranspose", 11, 3, 1, GemmTestNodes.ints("strides", st, st))
                        : GemmTestNodes.node("Conv", 11, 3, 1, GemmTestNodes.ints("strides", st, st),
                        GemmTestNodes.ints("pads", pad, pad, pad, pad), GemmTestNodes.i("group", group),
                        GemmTestNodes.ints("kernel_shape", k, k));
                DeviceTensor x = ctx.allocate(DataType.FLOAT, new long[] {1, c, h, w});
                DeviceTensor wt = ctx.allocate(DataType.FLOAT,
                        transpose ? new long[] {c, m, k, k} : new long[] {m, c / group, k, k});
                DeviceTensor bias = ctx.allocate(DataType.FLOAT, new long[] {m});
                ConvShape s = transpose ? ConvShape.forTranspose(node, x.shape(), wt.shape())
                        : ConvShape.forConv(node, x.shape(), wt.shape());
                double flop = transpose ? 2.0 * m * c * k * k * h * w : 2.0 * m * (c / group) * k * k * s.oh * s.ow;
                DeviceOp op = transpose ? transposeOp() : null;
                for (String strategy : System.getProperty("strategies", "gemm,direct").split(",")) {
                    ConvPlan.force = strategy;
                    run(op, node, x, wt, bias, ctx);
                    queue.finish();
                    double best = Double.MAX_VALUE;
                    for (int r = 0; r < reps; r++) {
                        long t0 = System.nanoTime();
                        run(op, node, x, wt, bias, ctx);
                        queue.finish();
                        best = Math.min(best, (System.nanoTime() - t0) / 1e6);
                    }
                    System.out.printf("%-28s %-7s %8.2f ms %6.1f GFLOP/s%n", a, strategy, best, flop / best / 1e6);
                }
                ConvPlan.force = null;
            }
            queue.finish();
        }
    }
}
