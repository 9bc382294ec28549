package dev.clinfer.tests;

import dev.clinfer.api.ClinferException;
import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.ModelFormatException;
import dev.clinfer.api.Result;
import dev.clinfer.api.Session;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import dev.clinfer.api.TensorInfo;
import dev.clinfer.api.UnsupportedOperatorException;
import dev.clinfer.onnx.TensorFiles;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mutation fuzzing of the zoo models and the ONNX node-test models ({@value #NODE_SHARE} % of cases, each
 * always run on its first data set's inputs): a corrupt file must either load (and run) or fail with a
 * {@link ClinferException}; any other throwable ({@code NullPointerException},
 * {@code ArrayIndexOutOfBoundsException}, {@code OutOfMemoryError}, {@code StackOverflowError}, ...) or a
 * case running longer than 10 s fails the test, naming the case, the seed and the mutation.
 *
 * <p>Reproducible: {@code -Dclinfer.fuzz.seed=S} (default {@value #DEFAULT_SEED}) and
 * {@code -Dclinfer.fuzz.cases=N} (default 1000); every case draws from its own generator derived from
 * the seed and the case number, so {@code -Dclinfer.fuzz.case=K} reruns case K alone, printing it
 * ({@code -Dclinfer.fuzz.verbose=true} prints every case with its exception message).
 * Mutations: see {@link ModelMutator}.
 *
 * <p>Cost (1000 cases take about 30 s of case time on 2 cores; {@code -Dclinfer.fuzz.cases=10000} is the
 * full suite): each case copies and loads a model,
 * and running a model is what costs. So the mix is weighted towards the small models, and running
 * is limited to where it is cheap or informative:
 * <ul>
 *   <li>ppocr_cls (579 KB, 45 % of cases): loaded and, when it loads, always run;</li>
 *   <li>squeezenet1_1 (5 MB, 20 %), ppocr_det (4.7 MB, 12 %), mobilenet_v2 (14 MB, 13 %): run when the
 *       mutation changed the graph (bytes outside tensor data, the file length, or a field mutation);
 *       when only weights changed, one case in four (the graph is the original one, so a run only feeds
 *       the kernels other numbers);</li>
 *   <li>resnet18 (47 MB, 10 %): mostly load only; one graph-changing case in four runs (about 1-2 s).</li>
 * </ul>
 * Each run uses the folder's {@code test_data_set_0} input; when a mutation changed the declared input
 * (name, type, rank, fixed dims) the run gets random data of the declared shape instead (unknown dims
 * taken from the zoo input, else 1; not run when that exceeds 4 M elements or the type cannot be made).
 * The summary prints time per model, to retune these shares when kernels get faster or slower.
 */
class ModelFuzzTest {
    static final long DEFAULT_SEED = 20240917L;
    private static final long CASE_TIMEOUT_SECONDS = 10;
    private static final int MAX_REPORTED_FAILURES = 25;
    private static final int MAX_TIMEOUTS = 3;
    private static final long MAX_RANDOM_ELEMENTS = 1L << 22;

    private static final String[] MODELS = {"ppocr_cls", "squeezenet1_1", "ppocr_det", "mobilenet_v2", "resnet18"};
    private static final int[] WEIGHTS = {45, 20, 12, 13, 10};
    /** Percent of cases drawn from the ONNX node-test models (small, fast) rather than the zoo. */
    private static final int NODE_SHARE = 75;
    private static final String NODE_PREFIX = "node/";

    private static final String RAN = "loaded+ran";
    private static final String LOADED = "loaded (not run by policy)";
    private static final String NO_INPUT = "loaded (not run: declared inputs cannot be made)";
    private static final String INTERNAL = "ExecutionException (internal error: cause is no ClinferException)";
    private static final String[] CATEGORIES = {RAN, LOADED, NO_INPUT, "ModelFormatException",
        "UnsupportedOperatorException", "InvalidInputException", "ExecutionException", INTERNAL,
        "other ClinferException"};

    /** One zoo model under test: its bytes, structure map and reference input. */
    private record Subject(ModelMutator.Target target, Map<String, Tensor> input) {
    }

    /** The outcome of one case that ended with no failure (message: the exception's, or empty). */
    private record Outcome(String category, String phase, String message) {
        Outcome(String category) {
            this(category, "", "");
        }
    }

    @Test
    void mutatedModelsLoadOrFailWithClinferException() throws Exception {
        long seed = Long.getLong("clinfer.fuzz.seed", DEFAULT_SEED);
        int cases = Integer.getInteger("clinfer.fuzz.cases", 1000);
        Integer only = Integer.getInteger("clinfer.fuzz.case");
        boolean verbose = only != null || Boolean.getBoolean("clinfer.fuzz.verbose");
        List<Subject> subjects = loadSubjects();
        List<ModelMutator.Target> targets = new ArrayList<>();
        subjects.forEach(s -> targets.add(s.target()));
        List<Path> nodeDirs = nodeModels();
        Map<Integer, Subject> nodeCache = new HashMap<>();

        Map<String, Integer> histogram = new LinkedHashMap<>();
        for (String c : CATEGORIES) {
            histogram.put(c, 0);
        }
        Map<String, Map<String, Integer>> byKind = new TreeMap<>();
        Map<String, long[]> timeByModel = new TreeMap<>(); // model -> {cases, total ms, max ms}
        List<String> failures = new ArrayList<>();
        int timeouts = 0;
        long t0 = System.nanoTime();
        ExecutorService worker = newWorker();
        try {
            int first = only != null ? only : 0;
            int last = only != null ? only : cases - 1;
            for (int c = first; c <= last && timeouts < MAX_TIMEOUTS; c++) {
                SplittableRandom r = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (c + 1)));
                int pickNode = r.nextInt(100);
                int nodeIndex = nodeDirs.isEmpty() ? 0 : r.nextInt(nodeDirs.size());
                Subject s = pickNode < NODE_SHARE && !nodeDirs.isEmpty()
                        ? nodeCache.computeIfAbsent(nodeIndex, k -> nodeSubject(nodeDirs.get(k)))
                        : subjects.get(pickModel(r));
                ModelMutator.Mutant m = ModelMutator.mutate(s.target(), targets, r);
                boolean run = shouldRun(s.target().name, m, r);
                long inputSeed = r.nextLong();
                String what = "case " + c + " (seed " + seed + "): " + s.target().name + ", " + m.description();
                long c0 = System.nanoTime();
                Future<Outcome> f = worker.submit(() -> runCase(s, m, run, new SplittableRandom(inputSeed)));
                Outcome o = null;
                try {
                    o = f.get(CASE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    f.cancel(true);
                    worker.shutdownNow();
                    worker = newWorker();
                    timeouts++;
                    failures.add(what + " -> did not finish within " + CASE_TIMEOUT_SECONDS + " s");
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(what + " -> " + describe(e.getCause()));
                }
                long ms = (System.nanoTime() - c0) / 1_000_000;
                String group = s.target().name.startsWith(NODE_PREFIX) ? "node-tests" : s.target().name;
                long[] tm = timeByModel.computeIfAbsent(group, k -> new long[3]);
                tm[0]++;
                tm[1] += ms;
                tm[2] = Math.max(tm[2], ms);
                String category = o == null ? "FAILED" : o.category();
                if (o != null) {
                    histogram.merge(category, 1, Integer::sum);
                }
                byKind.computeIfAbsent(m.kind().toString(), k -> new TreeMap<>()).merge(category, 1, Integer::sum);
                if (verbose) {
                    System.out.println("[fuzz] " + (o == null ? failures.get(failures.size() - 1) : what + " -> "
                            + category + (o.phase().isEmpty() ? "" : " at " + o.phase() + ": " + o.message()))
                            + " (" + ms + " ms)");
                }
            }
        } finally {
            worker.shutdownNow();
        }
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;

        System.out.println("[fuzz] seed " + seed + ", " + (only != null ? "case " + only : cases + " cases") + " in "
                + seconds + " s; outcomes:");
        histogram.forEach((k, v) -> System.out.printf("[fuzz]   %-66s %5d%n", k, v));
        System.out.printf("[fuzz]   %-66s %5d%n", "FAILED (other throwable or timeout)", failures.size());
        System.out.println("[fuzz] by mutation: " + byKind);
        timeByModel.forEach((k, v) -> System.out.printf("[fuzz] %-14s %4d cases, %6d ms total, slowest %5d ms%n",
                k, v[0], v[1], v[2]));
        if (!failures.isEmpty()) {
            StringBuilder msg = new StringBuilder(failures.size() + " fuzz case(s) ended other than in success or a "
                    + "ClinferException (rerun one with -Dclinfer.fuzz.seed=" + seed + " -Dclinfer.fuzz.case=K)"
                    + (timeouts >= MAX_TIMEOUTS ? "; stopped after " + timeouts + " timeouts" : "") + ":");
            failures.stream().limit(MAX_REPORTED_FAILURES).forEach(l -> msg.append("\n  ").append(l));
            if (failures.size() > MAX_REPORTED_FAILURES) {
                msg.append("\n  ... and ").append(failures.size() - MAX_REPORTED_FAILURES).append(" more");
            }
            fail(msg.toString());
        }
    }

    private static List<Subject> loadSubjects() throws IOException {
        List<Subject> out = new ArrayList<>();
        for (String name : MODELS) {
            Path dir = TestData.requireZooModel(name);
            byte[] bytes = Files.readAllBytes(dir.resolve("model.onnx"));
            Map<String, Tensor> input = new HashMap<>();
            List<Path> sets = TestData.dataSets(dir);
            if (!sets.isEmpty()) {
                for (TensorFiles.Named n : TestData.readIndexed(sets.get(0), "input_")) {
                    input.put(n.name(), n.tensor());
                }
            }
            out.add(new Subject(new ModelMutator.Target(name, bytes), input));
        }
        return out;
    }

    /** @return the node-test model folders, sorted (so a seed means the same cases everywhere) */
    private static List<Path> nodeModels() throws IOException {
        Path node = TestData.onnxTestDataDir().resolve("node");
        if (!Files.isDirectory(node)) {
            TestData.requireOrSkip(false, "ONNX node tests in " + node);
        }
        try (var st = Files.list(node)) {
            return st.filter(d -> Files.isRegularFile(d.resolve("model.onnx"))).sorted().collect(
                    java.util.stream.Collectors.toList());
        }
    }

    /** A node-test model with its first data set's inputs bound by name (or by position). */
    private static Subject nodeSubject(Path dir) {
        try {
            byte[] bytes = Files.readAllBytes(dir.resolve("model.onnx"));
            ModelMutator.Target target = new ModelMutator.Target(NODE_PREFIX + dir.getFileName(), bytes);
            Map<String, Tensor> input = new HashMap<>();
            List<String> formal = new ArrayList<>();
            var g = target.parsed().getGraph();
            java.util.Set<String> inits = new java.util.HashSet<>();
            g.getInitializerList().forEach(t -> inits.add(t.getName()));
            g.getInputList().forEach(v -> {
                if (!inits.contains(v.getName())) {
                    formal.add(v.getName());
                }
            });
            List<Path> sets = TestData.dataSets(dir);
            if (!sets.isEmpty()) {
                try {
                    List<TensorFiles.Named> files = TestData.readIndexed(sets.get(0), "input_");
                    for (int j = 0; j < files.size(); j++) {
                        String name = files.get(j).name().isEmpty() && j < formal.size() ? formal.get(j)
                                : files.get(j).name();
                        input.put(name, files.get(j).tensor());
                    }
                } catch (RuntimeException e) {
                    // sequence or optional inputs: the case runs on random data of the declared shape
                }
            }
            return new Subject(target, input);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int pickModel(SplittableRandom r) {
        int total = 0;
        for (int w : WEIGHTS) {
            total += w;
        }
        int k = r.nextInt(total);
        for (int i = 0; i < WEIGHTS.length; i++) {
            k -= WEIGHTS[i];
            if (k < 0) {
                return i;
            }
        }
        return 0;
    }

    /** The run policy of the class Javadoc. */
    private static boolean shouldRun(String model, ModelMutator.Mutant m, SplittableRandom r) {
        boolean oneInFour = r.nextInt(4) == 0; // drawn always, so the stream does not depend on the branch
        if (model.startsWith(NODE_PREFIX)) {
            return true;
        }
        switch (model) {
            case "ppocr_cls":
                return true;
            case "resnet18":
                return m.structural() && oneInFour;
            default:
                return m.structural() || oneInFour;
        }
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-case");
            t.setDaemon(true); // a case that hangs must not keep the JVM alive
            return t;
        });
    }

    /** Loads, maybe runs; returns a category for clean outcomes and lets any other throwable escape. */
    private static Outcome runCase(Subject s, ModelMutator.Mutant m, boolean run, SplittableRandom r) {
        String phase = "load";
        try (Session session = Session.create(m.bytes(), new SessionOptions().device("java"))) {
            if (!run) {
                return new Outcome(LOADED);
            }
            if (otherDtypeOnBigModel(s, session.inputs())) {
                // float64/int inputs send resnet18 & co. through the generic (double) kernels: a run of
                // many seconds that measures speed, not robustness. ppocr_cls and node models still run.
                return new Outcome(LOADED);
            }
            Map<String, Tensor> feed = feed(session.inputs(), s.input(), r);
            if (feed == null) {
                return new Outcome(NO_INPUT);
            }
            phase = "run";
            try (Result res = session.run(feed)) {
                for (Map.Entry<String, Tensor> e : res) {
                    e.getValue().size(); // touch every output
                }
            }
            return new Outcome(RAN);
        } catch (ModelFormatException e) {
            return new Outcome("ModelFormatException", phase, oneLine(e));
        } catch (UnsupportedOperatorException e) {
            return new Outcome("UnsupportedOperatorException", phase, oneLine(e));
        } catch (InvalidInputException e) {
            return new Outcome("InvalidInputException", phase, oneLine(e));
        } catch (dev.clinfer.api.ExecutionException e) {
            // Allowed, but a kernel crash the interpreter wrapped (AIOOBE, NPE...) is counted apart: it
            // deserves a clear InvalidInputException or a load-time check instead.
            boolean internal = e.getCause() != null && !(e.getCause() instanceof ClinferException);
            return new Outcome(internal ? INTERNAL : "ExecutionException", phase, oneLine(e));
        } catch (ClinferException e) {
            return new Outcome("other ClinferException", phase, e.getClass().getSimpleName() + ": " + oneLine(e));
        }
    }

    private static boolean otherDtypeOnBigModel(Subject s, List<TensorInfo> formal) {
        String name = s.target().name;
        if (name.startsWith(NODE_PREFIX) || name.equals("ppocr_cls")) {
            return false;
        }
        for (TensorInfo ti : formal) {
            Tensor z = s.input().get(ti.name());
            if (z != null && ti.type() != null && ti.type() != z.dataType()) {
                return true;
            }
        }
        return false;
    }

    /** The zoo input where it still fits the declared inputs, else random data of the declared shape. */
    private static Map<String, Tensor> feed(List<TensorInfo> formal, Map<String, Tensor> zoo, SplittableRandom r) {
        Map<String, Tensor> feed = new HashMap<>();
        for (TensorInfo ti : formal) {
            Tensor z = zoo.get(ti.name());
            if (z != null && fits(ti, z)) {
                feed.put(ti.name(), z);
                continue;
            }
            Tensor t = random(ti, z != null ? z : zoo.values().stream().findFirst().orElse(null), r);
            if (t == null) {
                return null;
            }
            feed.put(ti.name(), t);
        }
        return feed;
    }

    private static boolean fits(TensorInfo ti, Tensor t) {
        if (ti.type() != null && ti.type() != t.dataType()) {
            return false;
        }
        long[] shape = ti.shape();
        if (shape == null) {
            return true;
        }
        if (shape.length != t.rank()) {
            return false;
        }
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] >= 0 && shape[i] != t.dim(i)) {
                return false;
            }
        }
        return true;
    }

    private static Tensor random(TensorInfo ti, Tensor like, SplittableRandom r) {
        DataType type = ti.type();
        long[] declared = ti.shape();
        if (type == null || type == DataType.STRING) {
            return null;
        }
        long[] shape;
        if (declared != null) {
            shape = declared.clone();
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0) {
                    shape[i] = like != null && like.rank() == shape.length ? like.dim(i) : 1;
                }
            }
        } else if (like != null) {
            shape = like.shape();
        } else {
            return null;
        }
        long n = 1;
        for (long d : shape) {
            n *= Math.max(d, 1);
            if (n > MAX_RANDOM_ELEMENTS) {
                return null;
            }
        }
        try {
            Tensor t = Tensor.allocate(type, shape);
            for (int i = 0; i < t.numel(); i++) {
                if (type.isFloatingPoint()) {
                    t.setDouble(i, r.nextGaussian());
                } else {
                    t.setLong(i, r.nextInt(4));
                }
            }
            return t;
        } catch (RuntimeException e) {
            return null; // a type this test cannot fill (say bfloat16): not a finding about the engine
        }
    }

    private static String oneLine(Throwable t) {
        String m = String.valueOf(t.getMessage()).replace('\n', ' ');
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }

    private static String describe(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        String[] lines = w.toString().split("\\R");
        StringBuilder b = new StringBuilder(lines[0]);
        for (int i = 1; i < Math.min(lines.length, 14); i++) {
            b.append(" | ").append(lines[i].trim());
        }
        return b.toString();
    }
}
