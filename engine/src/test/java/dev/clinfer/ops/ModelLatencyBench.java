package dev.clinfer.ops;

import dev.clinfer.api.Result;
import dev.clinfer.api.Session;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import dev.clinfer.onnx.TensorFiles;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rough Java-path latency of a zoo model (not a unit test; the real comparison with ONNX Runtime
 * lives in the tests module): {@code java -cp ... dev.clinfer.ops.ModelLatencyBench MODEL_DIR
 * [threads] [runs] [seq]} (with seq: token inputs of [1, seq] instead of test_data_set_0). Prints the median and best wall time and, at one thread (where kernels run
 * on the calling thread), the calling thread's CPU time, which a loaded machine disturbs less.
 */
public final class ModelLatencyBench {
    private ModelLatencyBench() {
    }

    /** @param args model folder, threads (1), timed runs (10) */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (Session s = Session.create(dir.resolve("model.onnx"), new SessionOptions().device("java").threads(threads))) {
            Map<String, Tensor> feed = new HashMap<>();
            List<dev.clinfer.api.TensorInfo> formal = s.inputs();
            Path set = dir.resolve("test_data_set_0");
            if (args.length > 3) {
                // Token inputs of [1, seq]: ids in range, attention mask ones, token types zeros.
                int seq = Integer.parseInt(args[3]);
                for (dev.clinfer.api.TensorInfo i : formal) {
                    long[] ids = new long[seq];
                    for (int t = 0; t < seq; t++) {
                        ids[t] = i.name().contains("mask") ? 1 : i.name().contains("type") ? 0 : 1000 + (t * 7919) % 20000;
                    }
                    feed.put(i.name(), Tensor.ofLongs(ids, 1, seq));
                }
            }
            for (int j = 0; args.length <= 3 && Files.exists(set.resolve("input_" + j + ".pb")); j++) {
                TensorFiles.Named t = TensorFiles.readPb(set.resolve("input_" + j + ".pb"));
                String name = formal.stream().anyMatch(i -> i.name().equals(t.name())) ? t.name() : formal.get(j).name();
                feed.put(name, t.tensor());
            }
            for (int i = 0; i < 3; i++) {
                try (Result r = s.run(feed)) {
                    r.size();
                }
            }
            double[] wall = new double[runs];
            double[] cpu = new double[runs];
            for (int i = 0; i < runs; i++) {
                long c0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                try (Result r = s.run(feed)) {
                    r.size();
                }
                wall[i] = (System.nanoTime() - t0) / 1e6;
                cpu[i] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
            }
            Arrays.sort(wall);
            Arrays.sort(cpu);
            System.out.printf("%s threads=%d: wall median %.1f ms (best %.1f), calling-thread cpu median %.1f ms"
                            + " (best %.1f); %s; packed weights cached %.1f MB; loadavg %s%n", dir.getFileName(),
                    threads, wall[runs / 2], wall[0], cpu[runs / 2], cpu[0], dev.clinfer.cpu.GemmKernel.describe(),
                    dev.clinfer.cpu.GemmWeightCache.cachedFloats() * 4 / 1e6,
                    Files.readString(Path.of("/proc/loadavg")).trim());
        }
    }
}
