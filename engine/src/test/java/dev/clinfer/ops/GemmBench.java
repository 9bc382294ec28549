package dev.clinfer.ops;

import dev.clinfer.cpu.GemmKernel;

import java.util.Random;

/**
 * Rough float32 GEMM throughput (not a unit test): {@code java -cp ... dev.clinfer.ops.GemmBench
 * [size] [threads...]}.
 */
public final class GemmBench {
    private GemmBench() {
    }

    /** @param args size, then thread counts */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int[] threads = {1, 2};
        if (args.length > 1) {
            threads = new int[args.length - 1];
            for (int i = 1; i < args.length; i++) {
                threads[i - 1] = Integer.parseInt(args[i]);
            }
        }
        Random r = new Random(1);
        float[] a = new float[n * n];
        float[] b = new float[n * n];
        float[] c = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() - 0.5f;
            b[i] = r.nextFloat() - 0.5f;
        }
        for (int t : threads) {
            try (GemmTestContext ctx = new GemmTestContext(t)) {
                double best = Double.MAX_VALUE;
                double bestCpu = Double.MAX_VALUE;
                java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
                com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
                double bestProc = Double.MAX_VALUE;
                for (int rep = 0; rep < 8; rep++) {
                    long p0 = os.getProcessCpuTime();
                    long c0 = mx.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    GemmKernel.sgemm(n, n, n, 1f, a, 0, n, false, b, 0, n, false, 0f, c, 0, n, ctx);
                    best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                    bestCpu = Math.min(bestCpu, (mx.getCurrentThreadCpuTime() - c0) / 1e9);
                    bestProc = Math.min(bestProc, (os.getProcessCpuTime() - p0) / 1e9);
                }
                double flop = 2.0 * n * n * n;
                System.out.printf("%dx%dx%d threads=%d: wall %.1f ms (%.2f GFLOP/s), process cpu %.1f ms (%.2f GFLOP"
                        + " per cpu-second)%s%n", n, n, n, t, best * 1e3, flop / best / 1e9, bestProc * 1e3,
                        flop / bestProc / 1e9, t == 1 ? String.format(", calling-thread cpu %.1f ms (%.2f GFLOP/s)",
                                bestCpu * 1e3, flop / bestCpu / 1e9) : "");
            }
        }
    }
}
