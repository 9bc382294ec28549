package dev.clinfer.bench;

import ai.onnxruntime.OrtEnvironment;
import dev.clinfer.opencl.ClBindings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures one engine's memory in a fresh JVM, where nothing another engine or model freed can be
 * reused unseen: reads the inputs, loads the engine's native runtime (ORT, or the OpenCL ICD with PoCL),
 * collects garbage, then records the peak RSS growth over session load plus {@code runs} runs. Started by
 * {@link ModelRunner}; prints one line {@code clinfer-bench-memory <peak growth bytes> <base RSS bytes>}.
 *
 * <p>Args: {@code SPEC FILE ENGINE THREADS RUNS}, ENGINE {@code ort}, {@code java} or an OpenCL {@code P:D}.
 */
public final class MemoryChild {
    static final String TAG = "clinfer-bench-memory";

    private MemoryChild() {
    }

    /**
     * @param args spec, model file, engine, threads, runs
     * @throws Exception when the engine cannot load or run
     */
    public static void main(String[] args) throws Exception {
        String spec = args[0];
        Path file = Path.of(args[1]);
        String engine = args[2];
        int threads = Integer.parseInt(args[3]);
        int runs = Integer.parseInt(args[4]);
        BenchModel m = BenchModel.resolve(spec, file);
        if (engine.equals("ort")) {
            OrtEnvironment.getEnvironment();
        } else if (!engine.equals("java")) {
            ClBindings.open("auto", new ArrayList<>()).devices();
        }
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        long base = MemoryProbe.rss();
        if (!MemoryProbe.resetPeak() || base < 0) {
            System.out.println(TAG + " -1 -1");
            return;
        }
        BenchEngine e = engine.equals("ort") ? new OrtEngine(threads, false, m.file(), m.feed())
                : new ClinferEngine(engine, engine, threads, m.file(), m.feed());
        try (e) {
            for (int r = 0; r < runs; r++) {
                e.run();
            }
            System.out.println(TAG + " " + (MemoryProbe.peakRss() - base) + " " + base);
        }
    }

    /**
     * Runs a memory child and reads its figure.
     *
     * @param model   the model (its spec and file are passed on)
     * @param engine  {@code ort}, {@code java} or {@code P:D}
     * @param threads T (also PoCL's thread count)
     * @param runs    runs after load
     * @return peak RSS growth in MiB
     * @throws IllegalStateException with the child's last output when it reported nothing
     */
    static double measure(BenchModel model, String engine, int threads, int runs) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), MemoryChild.class.getName(), model.name(),
                model.file().toString(), engine, String.valueOf(threads), String.valueOf(runs)));
        String out;
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("POCL_MAX_PTHREAD_COUNT", String.valueOf(threads));
            pb.environment().put("POCL_CPU_MAX_CU_NUM", String.valueOf(threads));
            Process p = pb.start();
            out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("memory child: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("memory child interrupted", e);
        }
        for (String line : out.split("\n")) {
            if (line.startsWith(TAG + " ")) {
                long bytes = Long.parseLong(line.split(" ")[1]);
                return bytes < 0 ? Double.NaN : bytes / 1048576.0;
            }
        }
        String tail = out.strip();
        throw new IllegalStateException("memory child for " + engine + " reported nothing: "
                + tail.substring(Math.max(0, tail.length() - 300)).replace('\n', ' '));
    }
}
