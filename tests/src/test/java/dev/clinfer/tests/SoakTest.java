package dev.clinfer.tests;

import dev.clinfer.api.Result;
import dev.clinfer.api.Session;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import dev.clinfer.onnx.TensorFiles;
import dev.clinfer.opencl.ClObjects;
import org.junit.jupiter.api.Test;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Soak: mixed models (ppocr_cls, squeezenet1_1, a node-test model) on the Java lane and, when an OpenCL
 * CPU device is there, on it too; 4 threads run requests against shared sessions while a chaos thread
 * closes and reopens random sessions (so some requests meet a session closed under them, which must
 * fail cleanly with a ClinferException). Every result that comes back must equal the reference computed
 * once per model before the soak. Afterwards, with every session closed, the live OpenCL objects are
 * back to the baseline and direct memory is back within slack of it.
 *
 * <p>Two minutes under {@code CI=true}, 20 s otherwise; {@code -Dclinfer.soak.seconds=N} for any length.
 * Direct memory is compared with what it was once the test's own inputs existed: closed sessions
 * (some still referenced from {@code live} until the end) must leave nothing behind but 1 MB of slack.
 */
class SoakTest {
    private static final long DIRECT_SLACK = 1L << 20;

    private record Subject(String name, Path file, SessionOptions options, Map<String, Tensor> input,
                           List<float[]> reference) {
    }

    private static List<float[]> run(Session s, Map<String, Tensor> input) {
        try (Result r = s.run(input)) {
            List<float[]> out = new ArrayList<>();
            r.forEach(e -> out.add(e.getValue().toFloatArray()));
            return out;
        }
    }

    private static Map<String, Tensor> input(Path dir, Session s) {
        List<TensorFiles.Named> files = TestData.readIndexed(TestData.dataSets(dir).get(0), "input_");
        return TestData.bindInputs(s.inputs(), files);
    }

    private static long direct() {
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) {
                return b.getMemoryUsed();
            }
        }
        return 0;
    }

    private static long settledDirect() throws InterruptedException {
        long d = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            d = Math.min(d, direct());
        }
        return d;
    }

    @Test
    void mixedModelsConcurrentRunsAndChurn() throws Exception {
        // two minutes in CI, 20 s in other builds; -Dclinfer.soak.seconds=N for any length
        long seconds = Long.getLong("clinfer.soak.seconds", "true".equals(System.getenv("CI")) ? 120 : 20);
        List<SessionOptions> lanes = new ArrayList<>();
        lanes.add(new SessionOptions().device("java").threads(2));
        boolean opencl = TestData.openClUnavailableReason("jocl") == null;
        if (opencl) {
            lanes.add(new SessionOptions().device("opencl-cpu").binding("jocl").threads(2));
        }
        List<Path> dirs = List.of(TestData.requireZooModel("ppocr_cls"), TestData.requireZooModel("squeezenet1_1"),
                TestData.onnxTestDataDir().resolve("node/test_conv_with_strides_padding"));
        TestData.requireOrSkip(java.nio.file.Files.isDirectory(dirs.get(2)), "node test " + dirs.get(2));

        Map<ClObjects.Kind, Long> clBefore = ClObjects.snapshot();

        List<Subject> subjects = new ArrayList<>();
        for (SessionOptions lane : lanes) {
            for (Path d : dirs) {
                Path f = d.resolve("model.onnx");
                try (Session s = Session.create(f, lane)) {
                    Map<String, Tensor> in = input(d, s);
                    subjects.add(new Subject(d.getFileName() + "@" + lane.device(), f, lane, in, run(s, in)));
                }
            }
        }
        // after the inputs the test keeps for the whole soak exist (and a session of each model has
        // been opened and closed), so that what remains afterwards is what the soak left behind
        long directBefore = settledDirect();
        AtomicReferenceArray<Session> live = new AtomicReferenceArray<>(subjects.size());
        for (int i = 0; i < subjects.size(); i++) {
            live.set(i, Session.create(subjects.get(i).file(), subjects.get(i).options()));
        }
        AtomicLong requests = new AtomicLong();
        AtomicLong cleanFailures = new AtomicLong();
        AtomicLong reopens = new AtomicLong();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(5);
        List<Future<?>> fs = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            long seed = 1000 + w;
            fs.add(pool.submit(() -> {
                SplittableRandom r = new SplittableRandom(seed);
                while (System.nanoTime() < end && problems.isEmpty()) {
                    int i = r.nextInt(subjects.size());
                    Subject sub = subjects.get(i);
                    try {
                        List<float[]> got = run(live.get(i), sub.input());
                        requests.incrementAndGet();
                        for (int k = 0; k < got.size(); k++) {
                            if (!sameResult(got.get(k), sub.reference().get(k), sub.options())) {
                                float[] g = got.get(k);
                                float[] e = sub.reference().get(k);
                                double worst = 0;
                                int at = -1;
                                for (int j = 0; j < Math.min(g.length, e.length); j++) {
                                    double d = Math.abs((double) g[j] - e[j]);
                                    if (!(d <= worst)) {
                                        worst = d;
                                        at = j;
                                    }
                                }
                                problems.add(sub.name() + ": output " + k + " differs from the reference (max abs diff "
                                        + worst + " at " + at + ", lengths " + g.length + "/" + e.length + ")");
                            }
                        }
                    } catch (dev.clinfer.api.ClinferException e) {
                        cleanFailures.incrementAndGet(); // closed under the request: allowed
                    } catch (Throwable t) {
                        problems.add(sub.name() + ": " + t);
                    }
                }
            }));
        }
        fs.add(pool.submit(() -> {
            SplittableRandom r = new SplittableRandom(7);
            while (System.nanoTime() < end && problems.isEmpty()) {
                try {
                    Thread.sleep(50 + r.nextInt(250));
                    int i = r.nextInt(subjects.size());
                    Session fresh = Session.create(subjects.get(i).file(), subjects.get(i).options());
                    live.getAndSet(i, fresh).close();
                    reopens.incrementAndGet();
                } catch (Throwable t) {
                    problems.add("reopen: " + t);
                }
            }
        }));
        for (Future<?> f : fs) {
            f.get(seconds + 120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        for (int i = 0; i < subjects.size(); i++) {
            live.get(i).close();
        }
        long directAfter = settledDirect();
        Map<ClObjects.Kind, Long> clAfter = ClObjects.snapshot();
        System.out.printf("[soak] %d s, lanes %s, %d requests ok, %d failed cleanly (closed under them), %d reopens; "
                        + "direct memory %d -> %d bytes; OpenCL live objects %s -> %s%n", seconds,
                opencl ? "java+opencl-cpu" : "java", requests.get(), cleanFailures.get(), reopens.get(),
                directBefore, directAfter, clBefore, clAfter);
        assertTrue(problems.isEmpty(), "soak problems: " + problems);
        assertTrue(requests.get() > 0, "no request completed");
        assertTrue(clAfter.equals(clBefore), "OpenCL live objects " + clBefore + " -> " + clAfter);
        assertTrue(directAfter <= directBefore + DIRECT_SLACK, "direct memory grew from " + directBefore
                + " to " + directAfter + " bytes (slack " + DIRECT_SLACK + ")");
    }

    /**
     * The Java lane is deterministic, so its results must be bit-identical to the reference. On an
     * OpenCL device a fresh session may get differently compiled programs (PoCL JIT-compiles per
     * work-group size, and a program may come from the binary cache or from source), which can move
     * the last bit of a sum: there, results must agree to within 1e-5 relative (observed: 1 ulp),
     * far below any real corruption.
     */
    private static boolean sameResult(float[] got, float[] ref, SessionOptions lane) {
        if (got.length != ref.length) {
            return false;
        }
        if (lane.device().equals("java")) {
            return java.util.Arrays.equals(got, ref);
        }
        for (int i = 0; i < got.length; i++) {
            double d = Math.abs((double) got[i] - ref[i]);
            if (!(d <= 1e-6 + 1e-5 * Math.abs(ref[i]))) {
                return false;
            }
        }
        return true;
    }
}
