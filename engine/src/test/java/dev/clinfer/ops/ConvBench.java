package dev.clinfer.ops;

import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Attribute;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;

/**
 * Rough timings of typical Conv and MatMul layers (not a unit test):
 * {@code java -cp ... dev.clinfer.ops.ConvBench [threads]}. Prints wall time and, for one
 * thread, the calling thread's CPU time (robust on a loaded machine).
 */
public final class ConvBench {
    private ConvBench() {
    }

    /** @param args thread count */
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        Random r = new Random(1);
        try (GemmTestContext ctx = new GemmTestContext(threads)) {
            conv(ctx, r, "resnet conv1 7x7/2", 3, 224, 64, 7, 2, 3, 1);
            conv(ctx, r, "resnet 3x3 64", 64, 56, 64, 3, 1, 1, 1);
            conv(ctx, r, "resnet 3x3 256/14", 256, 14, 256, 3, 1, 1, 1);
            conv(ctx, r, "resnet 1x1/2 down", 128, 28, 256, 1, 2, 0, 1);
            conv(ctx, r, "mobilenet 1x1 96->24 @56", 96, 56, 24, 1, 1, 0, 1);
            conv(ctx, r, "mobilenet dw 3x3/2 144 @56 (first)", 144, 56, 144, 3, 2, 1, 144);
            conv(ctx, r, "mobilenet dw 3x3 144 @56", 144, 56, 144, 3, 1, 1, 144);
            conv(ctx, r, "mobilenet dw 3x3/2 144 @56", 144, 56, 144, 3, 2, 1, 144);
            convTranspose(ctx, r, "ppocr convT 2x2/2 64->16 @160", 64, 160, 16, 2, 2);
            matmul(ctx, r, "minilm [2,16,384]x[384,1536]", new long[] {2, 16, 384}, new long[] {384, 1536});
            matmul(ctx, r, "minilm [2,12,16,64]x[2,12,64,16]", new long[] {2, 12, 16, 64}, new long[] {2, 12, 64, 16});
        }
    }

    private static void conv(GemmTestContext ctx, Random r, String name, int c, int hw, int m, int k, int s, int p,
                             int group) {
        Tensor x = Tensor.of(GemmTestContext.random(r, c * hw * hw), 1, c, hw, hw);
        Tensor w = Tensor.of(GemmTestContext.random(r, m * (c / group) * k * k), m, c / group, k, k);
        Tensor b = Tensor.of(GemmTestContext.random(r, m), m);
        Attribute[] attrs = {GemmTestContext.ints("strides", s, s), GemmTestContext.ints("pads", p, p, p, p),
            GemmTestContext.integer("group", group)};
        int out = (hw + 2 * p - k) / s + 1;
        double flops = 2.0 * m * (c / group) * k * k * out * out;
        time(name, flops, () -> ConvOps.conv(GemmTestContext.node("Conv", attrs), new Tensor[] {x, w, b}, ctx));
    }

    private static void convTranspose(GemmTestContext ctx, Random r, String name, int c, int hw, int m, int k, int s) {
        Tensor x = Tensor.of(GemmTestContext.random(r, c * hw * hw), 1, c, hw, hw);
        Tensor w = Tensor.of(GemmTestContext.random(r, c * m * k * k), c, m, k, k);
        Tensor b = Tensor.of(GemmTestContext.random(r, m), m);
        Attribute[] attrs = {GemmTestContext.ints("strides", s, s)};
        double flops = 2.0 * m * c * k * k * hw * hw;
        time(name, flops, () -> ConvOps.convTranspose(GemmTestContext.node("ConvTranspose", attrs),
                new Tensor[] {x, w, b}, ctx));
    }

    private static void matmul(GemmTestContext ctx, Random r, String name, long[] as, long[] bs) {
        Tensor a = Tensor.of(GemmTestContext.random(r, OpUtil.size(as)), as);
        Tensor b = Tensor.of(GemmTestContext.random(r, OpUtil.size(bs)), bs);
        GemmBatch p = GemmBatch.plan(GemmTestContext.node("MatMul"), as, bs);
        double flops = 2.0 * p.batches * p.m * p.n * p.k;
        time(name, flops, () -> MatMulOps.matMul(GemmTestContext.node("MatMul"), new Tensor[] {a, b}, ctx));
    }

    private static void time(String name, double flops, Runnable body) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double best = Double.MAX_VALUE;
        double bestCpu = Double.MAX_VALUE;
        long until = System.nanoTime() + 1_500_000_000L;
        int reps = 0;
        while (reps < 5 || System.nanoTime() < until) {
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            body.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            bestCpu = Math.min(bestCpu, (mx.getCurrentThreadCpuTime() - c0) / 1e9);
            reps++;
        }
        System.out.printf("%-34s wall %8.3f ms (%6.2f GFLOP/s)  caller cpu %8.3f ms (%6.2f GFLOP/s)%n", name,
                best * 1e3, flops / best / 1e9, bestCpu * 1e3, flops / bestCpu / 1e9);
    }
}
