package dev.clinfer.bench;

import ai.onnxruntime.OrtEnvironment;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * clinfer against ONNX Runtime (Java, CPU): the same model, the same inputs and the same thread count, in
 * one JVM, the engines alternating after warm-up. For each model, thread count T and clinfer path (the Java
 * path, and each OpenCL device) it prints a markdown table of median and p90 latency, the clinfer/ORT
 * ratio of medians, peak RSS growth of each engine over load + warm-up, and whether clinfer's outputs match
 * ORT's (rtol 1e-3, atol 1e-4); {@code --csv FILE} also writes it as CSV.
 *
 * <p>Run (from the repository root):
 * <pre>
 * mvn -q -B -pl tests -am process-test-classes -Pbench -Dbench.args="--threads 1,2 --gemm --csv bench.csv"
 * </pre>
 * or {@code java -cp tests/target/test-classes:tests/target/classes:<test class path> dev.clinfer.bench.CompareOrt ...}.
 *
 * <pre>
 * CompareOrt [MODEL...] [--threads 1,2] [--rounds 15] [--warmup 5] [--warmup-seconds 3] [--paths java,opencl]
 *            [--gemm] [--budget 60] [--csv FILE] [--binding auto] [--memory fresh|inline|off] [--ort-spin] [--no-fork]
 * </pre>
 * MODEL: a zoo folder name, {@code minilm_l6}, {@code minilm_l6@SEQ[xBATCH]}, {@code gemm[N]} or a path (see
 * {@link BenchModel}); default: resnet18 mobilenet_v2 squeezenet1_1 ppocr_det minilm_l6 minilm_l6@128.
 *
 * <p>Threads: ORT gets intra-op T, inter-op 1, sequential execution; clinfer gets
 * {@code SessionOptions.threads(T)}. PoCL sizes its own thread pool from {@code POCL_MAX_PTHREAD_COUNT} when
 * it starts, so unless {@code --no-fork} is given each T runs in a child JVM (same class path and JVM
 * options) with that variable set to T; in one JVM (no fork, or under {@code exec:java}) PoCL uses every
 * core and the OpenCL rows say so.
 */
public final class CompareOrt {
    static final List<String> DEFAULT_MODELS = List.of("resnet18", "mobilenet_v2", "squeezenet1_1", "ppocr_det",
            "minilm_l6", "minilm_l6@128");

    /** Held so that the level set on it sticks: the chosen device is printed per path instead. */
    private static final java.util.logging.Logger DEVICE_LOG = java.util.logging.Logger.getLogger("dev.clinfer.device");

    private CompareOrt() {
    }

    /**
     * Parsed command line.
     *
     * @param models        model specs
     * @param threads       thread counts
     * @param rounds        timed rounds per model and T
     * @param minRounds     the least rounds {@code budgetSeconds} may leave
     * @param warmup        warm-up runs per engine (at least)
     * @param warmupSeconds warm-up time per engine (at least): C2 takes seconds to compile the Vector API
     *                      kernels, and a short warm-up measured the tail of that (boxing, young GCs)
     * @param budgetSeconds cap on the timed rounds of one model at one T (0 = none)
     * @param paths         clinfer paths ({@code java}, {@code opencl}, {@code opencl-cpu}, {@code gpu}, {@code P:D})
     * @param binding       OpenCL binding
     * @param ortSpin       let ORT's intra-op threads spin-wait
     * @param fork          one child JVM per T
     * @param csv           CSV file or null
     * @param memory        {@code fresh} (a JVM per engine), {@code inline} (in the benchmark JVM) or {@code off}
     * @param childOut      (internal) where a child writes its rows
     */
    record Options(List<String> models, List<Integer> threads, int rounds, int minRounds, int warmup,
                   double warmupSeconds, double budgetSeconds, List<String> paths, String binding, boolean ortSpin, boolean fork,
                   Path csv, String memory, Path childOut) {
        static Options parse(String[] args) {
            List<String> models = new ArrayList<>();
            List<Integer> threads = List.of(1, 2);
            int rounds = 15;
            int warmup = 5;
            double warmupSeconds = 3;
            double budget = 60;
            List<String> paths = List.of("java", "opencl");
            String binding = "auto";
            boolean spin = false;
            boolean fork = true;
            boolean gemm = false;
            Path csv = null;
            Path child = null;
            String memory = "fresh";
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--threads" -> threads = Arrays.stream(value(args, ++i, a).split(","))
                            .map(String::trim).map(Integer::parseInt).toList();
                    case "--rounds" -> rounds = Integer.parseInt(value(args, ++i, a));
                    case "--warmup" -> warmup = Integer.parseInt(value(args, ++i, a));
                    case "--warmup-seconds" -> warmupSeconds = Double.parseDouble(value(args, ++i, a));
                    case "--budget" -> budget = Double.parseDouble(value(args, ++i, a));
                    case "--paths" -> paths = Arrays.stream(value(args, ++i, a).split(",")).map(String::trim).toList();
                    case "--binding" -> binding = value(args, ++i, a);
                    case "--csv" -> csv = Path.of(value(args, ++i, a));
                    case "--child-out" -> child = Path.of(value(args, ++i, a));
                    case "--memory" -> memory = value(args, ++i, a);
                    case "--gemm" -> gemm = true;
                    case "--ort-spin" -> spin = true;
                    case "--no-fork" -> fork = false;
                    case "-h", "--help" -> {
                        usage(System.out);
                        System.exit(0);
                    }
                    default -> {
                        if (a.startsWith("-")) {
                            usage(System.err);
                            throw new IllegalArgumentException("unknown option " + a);
                        }
                        models.addAll(Arrays.asList(a.split(",")));
                    }
                }
            }
            if (models.isEmpty()) {
                models.addAll(gemm ? List.of() : DEFAULT_MODELS);
            }
            if (gemm && models.stream().noneMatch(m -> m.startsWith("gemm"))) {
                models.add("gemm1024");
            }
            return new Options(models, threads, rounds, Math.min(rounds, 5), warmup, warmupSeconds, budget, paths,
                    binding, spin,
                    fork, csv, memory, child);
        }

        private static String value(String[] args, int i, String opt) {
            if (i >= args.length) {
                throw new IllegalArgumentException(opt + " needs a value");
            }
            return args[i];
        }

        List<String> childArgs(int t) {
            List<String> a = new ArrayList<>(models);
            a.addAll(List.of("--threads", String.valueOf(t), "--rounds", String.valueOf(rounds), "--warmup",
                    String.valueOf(warmup), "--warmup-seconds", String.valueOf(warmupSeconds), "--budget",
                    String.valueOf(budgetSeconds), "--paths",
                    String.join(",", paths), "--binding", binding, "--memory", memory, "--no-fork"));
            if (ortSpin) {
                a.add("--ort-spin");
            }
            return a;
        }
    }

    static void usage(PrintStream out) {
        out.println("usage: CompareOrt [MODEL...] [--threads 1,2] [--rounds 15] [--warmup 5] [--warmup-seconds 3]");
        out.println("                  [--paths java,opencl]");
        out.println("                  [--gemm] [--budget SECONDS] [--csv FILE] [--binding auto|jocl|lwjgl]");
        out.println("                  [--memory fresh|inline|off] [--ort-spin] [--no-fork]");
        out.println("MODEL: zoo folder name (resnet18 ...), minilm_l6, minilm_l6@SEQ[xBATCH], gemm[N], gemm:MxKxN,");
        out.println("       a folder with model.onnx, or an .onnx file. Default: " + String.join(" ", DEFAULT_MODELS));
        out.println("--gemm adds gemm1024 (a one-node 1024^3 MatMul) and, with no other MODEL, runs only it.");
    }

    /**
     * @param args see the class comment
     * @throws Exception on a failure outside one model (bad options, child JVM, CSV)
     */
    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        DEVICE_LOG.setLevel(java.util.logging.Level.WARNING);
        PrintStream out = System.out;
        boolean child = o.childOut() != null;
        if (!child) {
            header(o, out);
        }
        List<Row> rows = new ArrayList<>();
        if (!child && o.fork() && ChildJvm.canRelaunch(CompareOrt.class)) {
            for (int t : o.threads()) {
                rows.addAll(runChild(o, t));
            }
        } else {
            if (!child && o.fork()) {
                out.println("note: cannot start a child JVM on this class path (exec:java?); running in-process,"
                        + " so PoCL uses POCL_MAX_PTHREAD_COUNT=" + System.getenv("POCL_MAX_PTHREAD_COUNT")
                        + " whatever T is");
            }
            rows.addAll(runHere(o, out));
        }
        if (child) {
            try (ObjectOutputStream w = new ObjectOutputStream(Files.newOutputStream(o.childOut()))) {
                w.writeObject(new ArrayList<>(rows));
            }
            return;
        }
        out.println();
        out.println("load average at end: " + MemoryProbe.loadAverage());
        out.println();
        Report.markdown(rows, out);
        if (o.csv() != null) {
            Report.csv(rows, o.csv());
            out.println();
            out.println("CSV: " + o.csv().toAbsolutePath());
        }
    }

    private static void header(Options o, PrintStream out) {
        out.println("# clinfer vs ONNX Runtime");
        out.println();
        out.println("- date: " + Instant.now() + ", host cores: " + Runtime.getRuntime().availableProcessors()
                + ", load average at start: " + MemoryProbe.loadAverage());
        out.println("- JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + ", options " + ManagementFactory.getRuntimeMXBean().getInputArguments() + ", Vector API module "
                + (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() ? "present" : "absent"
                + " (add --add-modules jdk.incubator.vector)"));
        out.println("- ONNX Runtime " + OrtEnvironment.getEnvironment().getVersion()
                + " (CPU EP; intra-op T, inter-op 1, sequential, all graph optimisations, spinning "
                + (o.ortSpin() ? "on" : "off") + ")");
        out.println("- threads " + o.threads() + ", warm-up per engine: at least " + o.warmup() + " runs and "
                + o.warmupSeconds() + " s, then up to "
                + o.rounds() + " rounds alternating engines (budget " + o.budgetSeconds() + " s per model and T)");
        out.println("- OpenCL: PoCL threads = T (POCL_MAX_PTHREAD_COUNT in a child JVM per T)"
                + (o.fork() ? "" : "; --no-fork: POCL_MAX_PTHREAD_COUNT=" + System.getenv("POCL_MAX_PTHREAD_COUNT")));
        out.println("- memory: " + switch (o.memory()) {
            case "fresh" -> "peak RSS growth (VmHWM minus VmRSS before) over session load + "
                    + Math.max(1, Math.min(2, o.warmup())) + " runs, each engine in its own fresh JVM, inputs read and"
                    + " the engine's native runtime (ORT / OpenCL ICD) loaded before the baseline";
            case "inline" -> "peak RSS growth over load + warm-up in the benchmark JVM, engines loaded one after"
                    + " another (memory freed earlier is reused unseen: figures are low bounds)";
            default -> "not measured";
        });
    }

    private static List<Row> runHere(Options o, PrintStream out) {
        List<String> log = new ArrayList<>();
        List<PathSpec> paths = PathSpec.expand(o.paths(), o.binding(), log);
        log.forEach(l -> out.println("note: " + l));
        paths.forEach(p -> out.println("path " + p.path() + ": " + p.words()));
        OrtEnvironment.getEnvironment();
        ModelRunner runner = new ModelRunner(o, out);
        List<Row> rows = new ArrayList<>();
        for (int t : o.threads()) {
            out.println("threads " + t + " (POCL_MAX_PTHREAD_COUNT=" + System.getenv("POCL_MAX_PTHREAD_COUNT")
                    + ", load average " + MemoryProbe.loadAverage() + ")");
            for (String spec : o.models()) {
                out.println(spec + " T=" + t + ":");
                BenchModel m;
                try {
                    m = BenchModel.resolve(spec);
                } catch (RuntimeException e) {
                    out.println("  skipped: " + e.getMessage());
                    rows.add(new Row(spec, "", t, "-", "", 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                            Double.NaN, Double.NaN, Double.NaN, "ERROR", Double.NaN, 0, e.getMessage(),
                            MemoryProbe.loadAverage()));
                    continue;
                }
                rows.addAll(runner.measure(m, t, paths));
            }
        }
        return rows;
    }

    @SuppressWarnings("unchecked")
    private static List<Row> runChild(Options o, int threads) throws Exception {
        Path rowsFile = Files.createTempFile("clinfer-bench-rows-", ".bin");
        try {
            List<String> args = o.childArgs(threads);
            args.addAll(List.of("--child-out", rowsFile.toString()));
            int rc = ChildJvm.run(CompareOrt.class, args, threads);
            if (rc != 0 || Files.size(rowsFile) == 0) {
                throw new IllegalStateException("benchmark child for T=" + threads + " exited with " + rc);
            }
            try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(rowsFile))) {
                return (List<Row>) in.readObject();
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        } finally {
            Files.deleteIfExists(rowsFile);
        }
    }

}
