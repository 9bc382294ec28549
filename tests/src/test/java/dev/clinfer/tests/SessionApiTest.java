package dev.clinfer.tests;

import dev.clinfer.api.ClinferException;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.ModelFormatException;
import dev.clinfer.api.Result;
import dev.clinfer.api.Session;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public {@link Session} contract on a real model (ppocr_cls, input {@code x} float32
 * [N, 3, H, W]): concurrent runs, input validation, corrupt files, the three ways to load, and
 * closing.
 */
class SessionApiTest {
    private static final String INPUT = "x";
    private static final long[] SHAPE = {1, 3, 48, 192};
    /** The message must quote the input's name, as every clinfer message quotes names. */
    private static final Pattern NAMES_INPUT = Pattern.compile("['\"]" + INPUT + "['\"]");

    private static Path model() {
        return TestData.requireZooModel("ppocr_cls").resolve("model.onnx");
    }

    private static SessionOptions options() {
        return new SessionOptions().device("java");
    }

    private static Tensor randomInput(long seed) {
        Random r = new Random(seed);
        float[] v = new float[(int) Tensor.elementCount(SHAPE)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.of(v, SHAPE);
    }

    /** Runs and copies every output out of the result before it is closed. */
    private static List<float[]> outputs(Session s, Tensor input) {
        try (Result r = s.run(Map.of(INPUT, input))) {
            List<float[]> out = new ArrayList<>();
            for (Map.Entry<String, Tensor> e : r) {
                out.add(e.getValue().toFloatArray());
            }
            return out;
        }
    }

    /**
     * One session, 8 threads x 25 runs started together, each on one of 16 random inputs; every result must
     * be bit-identical to the one the same session gave for that input when run alone. (The CPU path splits
     * loops statically by the session's thread count, so concurrency must not change a single bit.)
     */
    @Test
    void concurrentRunsGiveTheSequentialResults() throws Exception {
        int threads = 8;
        int runsPerThread = 25;
        int distinct = 16;
        try (Session s = Session.create(model(), options())) {
            Tensor[] inputs = new Tensor[distinct];
            List<List<float[]>> expected = new ArrayList<>();
            for (int i = 0; i < distinct; i++) {
                inputs[i] = randomInput(1000 + i);
                expected.add(outputs(s, inputs[i]));
            }
            CyclicBarrier start = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<List<String>>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        start.await(30, TimeUnit.SECONDS);
                        List<String> errors = new ArrayList<>();
                        for (int i = 0; i < runsPerThread; i++) {
                            int k = (thread * runsPerThread + i) % distinct;
                            List<float[]> got = outputs(s, inputs[k]);
                            for (int o = 0; o < got.size(); o++) {
                                if (!Arrays.equals(got.get(o), expected.get(k).get(o))) {
                                    errors.add("thread " + thread + " run " + i + " input " + k + " output " + o + ": "
                                            + Arrays.toString(got.get(o)) + " != alone " + Arrays.toString(expected.get(k).get(o)));
                                }
                            }
                        }
                        return errors;
                    }));
                }
                List<String> errors = new ArrayList<>();
                for (Future<List<String>> f : futures) {
                    errors.addAll(f.get(5, TimeUnit.MINUTES));
                }
                assertTrue(errors.isEmpty(), errors.size() + " concurrent results differ from the sequential ones:\n"
                        + String.join("\n", errors.subList(0, Math.min(10, errors.size()))));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** The Java path times every node (wall time), as the OpenCL path does from its events. */
    @Test
    void javaPathProfilesEveryNode() {
        try (Session s = Session.create(model(), options())) {
            outputs(s, randomInput(1));
            s.resetStats();
            outputs(s, randomInput(2));
            outputs(s, randomInput(3));
            List<dev.clinfer.spi.LayerProfile> p = s.profile();
            assertFalse(p.isEmpty());
            double percent = 0;
            for (int i = 0; i < p.size(); i++) {
                dev.clinfer.spi.LayerProfile l = p.get(i);
                assertEquals("java", l.lane());
                assertEquals(2, l.calls(), l.node());
                assertFalse(l.node().isEmpty());
                if (i > 0) {
                    assertTrue(p.get(i - 1).totalNanos() >= l.totalNanos(), "largest first");
                }
                percent += l.percent();
            }
            assertEquals(100, percent, 1e-6);
            assertTrue(p.stream().anyMatch(l -> l.op().startsWith("Conv") || l.op().startsWith("Fused")), p.toString());
            s.resetStats();
            assertTrue(s.profile().isEmpty());
        }
    }

    @Test
    void unknownInputNameIsRejected() {
        try (Session s = Session.create(model(), options())) {
            Map<String, Tensor> feed = new HashMap<>();
            feed.put(INPUT, randomInput(1));
            feed.put("bogus", randomInput(2));
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> s.run(feed));
            assertTrue(e.getMessage().contains("bogus"), e.getMessage());
        }
    }

    @Test
    void missingInputIsRejected() {
        try (Session s = Session.create(model(), options())) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> s.run(Map.of()));
            assertTrue(NAMES_INPUT.matcher(e.getMessage()).find(), e.getMessage());
        }
    }

    @Test
    void wrongDataTypeIsRejected() {
        try (Session s = Session.create(model(), options())) {
            Tensor ints = Tensor.ofLongs(new long[(int) Tensor.elementCount(SHAPE)], SHAPE);
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> s.run(Map.of(INPUT, ints)));
            String m = e.getMessage();
            assertTrue(NAMES_INPUT.matcher(m).find(), m);
            assertTrue(m.contains("float32") && m.contains("int64"), "message should give expected and actual type: " + m);
        }
    }

    @Test
    void wrongRankIsRejected() {
        try (Session s = Session.create(model(), options())) {
            Tensor rank3 = Tensor.of(new float[3 * 48 * 192], 3, 48, 192);
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> s.run(Map.of(INPUT, rank3)));
            String m = e.getMessage();
            assertTrue(NAMES_INPUT.matcher(m).find(), m);
            assertTrue(m.contains("expected") && m.contains("[3, 48, 192]"), "message should give expected and actual shape: " + m);
        }
    }

    @Test
    void wrongFixedDimIsRejected() {
        try (Session s = Session.create(model(), options())) {
            Tensor fourChannels = Tensor.of(new float[4 * 48 * 192], 1, 4, 48, 192);
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> s.run(Map.of(INPUT, fourChannels)));
            String m = e.getMessage();
            assertTrue(NAMES_INPUT.matcher(m).find(), m);
            assertTrue(m.contains("expected") && m.contains("[1, 4, 48, 192]"), "message should give expected and actual shape: " + m);
        }
    }

    /**
     * ppocr_cls has dynamic H and W. At any width the model must either run, giving a probability pair, or
     * reject the input with an {@link InvalidInputException} (say, a pool window larger than its input); a
     * kernel crashing on a tiny plane (an internal error wrapped in an ExecutionException) is a bug.
     */
    @Test
    void tinyDynamicDimsRunOrAreRejectedCleanly() {
        try (Session s = Session.create(model(), options())) {
            List<String> errors = new ArrayList<>();
            for (int w : new int[] {1, 2, 3, 5, 8, 13}) {
                Tensor x = Tensor.of(new float[3 * 48 * w], 1, 3, 48, w);
                try (Result r = s.run(Map.of(INPUT, x))) {
                    float[] p = r.get(0).toFloatArray();
                    double sum = 0;
                    for (float v : p) {
                        sum += v;
                    }
                    if (p.length != 2 || Math.abs(sum - 1) > 1e-5) {
                        errors.add("width " + w + ": output " + Arrays.toString(p) + " is not a probability pair");
                    }
                } catch (InvalidInputException e) {
                    // a clean rejection is fine
                } catch (ClinferException e) {
                    errors.add("width " + w + ": " + e + (e.getCause() == null ? "" : " (cause " + e.getCause() + ")"));
                }
            }
            assertTrue(errors.isEmpty(), String.join("\n", errors));
        }
    }

    @Test
    void garbageIsAModelFormatError(@TempDir Path tmp) throws IOException {
        byte[][] garbage = {
            new byte[0],
            "this is not an ONNX model\n".getBytes(StandardCharsets.UTF_8),
            {0x08, (byte) 0x96}, // a varint cut short
            {0x3a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}, // graph field claiming 4 GB
        };
        for (byte[] g : garbage) {
            assertThrows(ModelFormatException.class, () -> Session.create(g, options()).close(),
                    () -> "bytes " + Arrays.toString(g));
        }
        Path f = tmp.resolve("corrupt.onnx");
        Files.write(f, garbage[1]);
        assertThrows(ModelFormatException.class, () -> Session.create(f, options()).close());
        assertThrows(ClinferException.class, () -> Session.create(tmp.resolve("missing.onnx"), options()).close());
    }

    @Test
    void truncatedModelIsAModelFormatError() throws IOException {
        byte[] bytes = Files.readAllBytes(model());
        for (int len : new int[] {1, 100, bytes.length / 2, bytes.length - 1}) {
            byte[] cut = Arrays.copyOf(bytes, len);
            assertThrows(ModelFormatException.class, () -> Session.create(cut, options()).close(),
                    "model truncated to " + len + " of " + bytes.length + " bytes");
        }
    }

    @Test
    void pathBytesAndStreamLoadTheSameModel() throws IOException {
        Path file = model();
        byte[] bytes = Files.readAllBytes(file);
        Tensor in = randomInput(7);
        List<float[]> fromPath;
        try (Session s = Session.create(file, options())) {
            fromPath = outputs(s, in);
        }
        try (Session s = Session.create(bytes, options())) {
            assertOutputsEqual(fromPath, outputs(s, in), "byte[]");
        }
        try (Session s = Session.create(new ByteArrayInputStream(bytes), options())) {
            assertOutputsEqual(fromPath, outputs(s, in), "InputStream");
        }
    }

    private static void assertOutputsEqual(List<float[]> expected, List<float[]> actual, String how) {
        assertEquals(expected.size(), actual.size(), how + ": output count");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), how + ": output " + i + " differs from the Path-loaded session");
        }
    }

    @Test
    void resultAndSessionCloseAndRunAfterCloseFails() {
        Session s = Session.create(model(), options());
        Tensor in = randomInput(3);
        Result r = s.run(Map.of(INPUT, in));
        AutoCloseable asResource = r; // both are resources for try-with-resources
        assertTrue(asResource instanceof Result);
        assertTrue(r.size() >= 1);
        assertEquals(2, r.get(0).rank(), "ppocr_cls output is [N, 2]");
        assertEquals(2, r.get(0).dim(1), "ppocr_cls output is [N, 2]");
        assertDoesNotThrow(r::close);
        assertDoesNotThrow(r::close, "closing a result twice is harmless");
        assertDoesNotThrow(s::close);
        assertDoesNotThrow(s::close, "closing a session twice is harmless");
        assertThrows(ClinferException.class, () -> s.run(Map.of(INPUT, in)), "run after close");
    }
}
