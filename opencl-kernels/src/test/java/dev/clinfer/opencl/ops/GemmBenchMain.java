package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.ir.Node;
import dev.clinfer.opencl.ClBinding;
import dev.clinfer.opencl.ClBindings;
import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ClDevice;
import dev.clinfer.opencl.ClQueue;
import dev.clinfer.opencl.DeviceTensor;
import dev.clinfer.opencl.ProgramCache;

import java.util.ArrayList;

/**
 * Times a MatMul through the launcher on the first device of a binding (not a unit test).
 * Args: [n or MxKxN] [binding] [reps].
 */
public final class GemmBenchMain {
    private GemmBenchMain() {
    }

    /** @param args size, binding, repetitions */
    public static void main(String[] args) {
        String[] dims = (args.length > 0 ? args[0] : "1024").split("x");
        int m = Integer.parseInt(dims[0]);
        int kd = dims.length == 3 ? Integer.parseInt(dims[1]) : m;
        int n = Integer.parseInt(dims[dims.length - 1]);
        String binding = args.length > 1 ? args[1] : "jocl";
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        ClBinding b = ClBindings.open(binding, new ArrayList<>());
        ClDevice d = b.devices().get(0);
        try (ClContext context = b.createContext(d); ClQueue queue = context.createQueue(false);
             ProgramCache programs = new ProgramCache(context);
             OwningOpContext ctx = new OwningOpContext(context, programs, queue)) {
            DeviceTensor x = ctx.allocate(DataType.FLOAT, new long[] {m, kd});
            DeviceTensor w = ctx.allocate(DataType.FLOAT, new long[] {kd, n});
            Node node = GemmTestNodes.node("MatMul", 13, 2, 1);
            var op = DeviceOps.defaultOps().find("", "MatMul");
            op.enqueue(node, new DeviceTensor[] {x, w}, ctx);
            queue.finish();
            System.out.println("device: " + d);
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                op.enqueue(node, new DeviceTensor[] {x, w}, ctx);
                queue.finish();
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("%dx%dx%d: %.2f ms, %.1f GFLOP/s%n", m, kd, n, s * 1e3, 2.0 * m * kd * n / s / 1e9);
            }
            queue.finish();
        }
    }
}
