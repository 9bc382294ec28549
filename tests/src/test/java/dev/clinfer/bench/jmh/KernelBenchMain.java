package dev.clinfer.bench.jmh;

import dev.clinfer.bench.ChildJvm;
import dev.clinfer.bench.MemoryProbe;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Runs the JMH kernel benchmarks ({@link GemmBench}, {@link ConvBench}) with short defaults and prints
 * GFLOP/s per shape and path (flops of the shape / JMH's average time per run).
 *
 * <pre>
 * mvn -q -B -pl tests -am process-test-classes -Pbench -Dbench.main=dev.clinfer.bench.jmh.KernelBenchMain \
 *     -Dbench.args="--paths java,opencl-cpu --threads 1"
 * KernelBenchMain [--paths java,opencl-cpu] [--threads 1] [--shapes a,b] [--include GemmBench|ConvBench]
 *                 [--warmup-iterations 2] [--iterations 3] [--time SECONDS] [--forks 1]
 * </pre>
 * As with {@code CompareOrt}, each thread count whose OpenCL runs need PoCL pinned to it is run in a child JVM
 * with {@code POCL_MAX_PTHREAD_COUNT} set.
 */
public final class KernelBenchMain {
    private KernelBenchMain() {
    }

    /**
     * @param args see the class comment
     * @throws Exception when JMH or a child JVM fails
     */
    public static void main(String[] args) throws Exception {
        List<String> paths = List.of("java", "opencl-cpu");
        List<Integer> threads = List.of(1);
        List<String> shapes = List.of();
        String include = ".";
        int warmupIterations = 2;
        int iterations = 3;
        double seconds = 1;
        int forks = 1;
        boolean child = false;
        List<String> passOn = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--child")) {
                child = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown or incomplete option " + a);
            }
            String v = args[++i];
            if (!a.equals("--threads")) {
                passOn.addAll(List.of(a, v));
            }
            switch (a) {
                case "--paths" -> paths = Arrays.asList(v.split(","));
                case "--threads" -> threads = Arrays.stream(v.split(",")).map(Integer::parseInt).toList();
                case "--shapes" -> shapes = Arrays.asList(v.split(","));
                case "--include" -> include = v;
                case "--warmup-iterations" -> warmupIterations = Integer.parseInt(v);
                case "--iterations" -> iterations = Integer.parseInt(v);
                case "--time" -> seconds = Double.parseDouble(v);
                case "--forks" -> forks = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        boolean opencl = paths.stream().anyMatch(p -> !p.equals("java"));
        for (int t : threads) {
            if (!child && opencl && !ChildJvm.poclPinnedTo(t) && ChildJvm.canRelaunch(KernelBenchMain.class)) {
                List<String> a = new ArrayList<>(passOn);
                a.addAll(List.of("--threads", String.valueOf(t), "--child"));
                int rc = ChildJvm.run(KernelBenchMain.class, a, t);
                if (rc != 0) {
                    throw new IllegalStateException("child for T=" + t + " exited with " + rc);
                }
                continue;
            }
            String loadBefore = MemoryProbe.loadAverage();
            List<RunResult> results = new ArrayList<>();
            for (Class<?> bench : List.of(GemmBench.class, ConvBench.class)) {
                Set<String> known = bench == GemmBench.class ? KernelShapes.GEMM.keySet() : KernelShapes.CONV.keySet();
                List<String> mine = shapes.stream().filter(known::contains).toList();
                if (!java.util.regex.Pattern.compile(include).matcher(bench.getName()).find()
                        || (!shapes.isEmpty() && mine.isEmpty())) {
                    continue;
                }
                // Each class gets its own run so that --shapes hands GEMM names only to GemmBench, Conv to ConvBench.
                ChainedOptionsBuilder b = new OptionsBuilder().include("^" + bench.getName() + "\\.")
                        .param("path", paths.toArray(new String[0]))
                        .param("threads", String.valueOf(t))
                        .warmupIterations(warmupIterations).measurementIterations(iterations)
                        .warmupTime(TimeValue.milliseconds((long) (seconds * 1000)))
                        .measurementTime(TimeValue.milliseconds((long) (seconds * 1000)))
                        .forks(forks).jvmArgsAppend("-Xmx3g", "--add-modules", "jdk.incubator.vector");
                if (!mine.isEmpty()) {
                    b.param("shape", mine.toArray(new String[0]));
                }
                results.addAll(new Runner(b.build()).run());
            }
            print(results, t, loadBefore);
        }
    }

    private static void print(Collection<RunResult> results, int threads, String loadBefore) {
        System.out.println();
        System.out.println("threads " + threads + ", POCL_MAX_PTHREAD_COUNT=" + System.getenv("POCL_MAX_PTHREAD_COUNT")
                + ", load average before " + loadBefore + ", after " + MemoryProbe.loadAverage());
        System.out.println();
        System.out.println("| benchmark | shape | path | T | ms/op | ± (99.9%) | GFLOP/s |");
        System.out.println("|---|---|---|---:|---:|---:|---:|");
        Map<String, Double> flops = new HashMap<>();
        for (RunResult r : results) {
            String shape = r.getParams().getParam("shape");
            double f = flops.computeIfAbsent(shape, s -> KernelShapes.build(s).flops());
            double ms = r.getPrimaryResult().getScore();
            String bench = r.getParams().getBenchmark();
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %.3f | %.3f | %.1f |%n",
                    bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1), shape,
                    r.getParams().getParam("path"), r.getParams().getParam("threads"), ms,
                    r.getPrimaryResult().getScoreError(), f / (ms * 1e-3) / 1e9);
        }
    }
}
