package dev.clinfer.tests.faults;

import dev.clinfer.api.ClinferException;
import dev.clinfer.api.Result;
import dev.clinfer.api.Session;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import dev.clinfer.onnx.TensorFiles;
import dev.clinfer.opencl.ClBindings;
import dev.clinfer.opencl.ClObjects;
import dev.clinfer.tests.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Device faults on the OpenCL CPU device (JOCL) through {@link FaultyBinding}: for each fault, and for
 * one and for many failing calls, a request (or the session creation, for program builds) either fails
 * with a typed {@link ClinferException} or completes with the reference result (a rerun on the Java
 * lane, when the session's options allow it); the session then serves the next request correctly; after
 * close, the binding's live-object counters are back at their baseline. A wedged scheduler shows as a 60 s timeout. Prints the matrix.
 */
class DeviceFaultTest {
    private static final Map<String, String> MATRIX = new LinkedHashMap<>();

    @BeforeAll
    static void install() {
        String why = TestData.openClUnavailableReason("jocl");
        Assumptions.assumeTrue(why == null, "no OpenCL CPU device: " + why);
        ClBindings.wrapForTests(FaultyBinding::new);
    }

    @AfterAll
    static void uninstall() {
        FaultyBinding.disarm();
        ClBindings.wrapForTests(null);
        MATRIX.forEach((k, v) -> System.out.printf("[faults] %-28s %s%n", k, v));
    }

    private static Path dir() {
        return TestData.requireZooModel("ppocr_cls");
    }

    private static Map<String, Tensor> input(Session s) {
        List<TensorFiles.Named> files = TestData.readIndexed(TestData.dataSets(dir()).get(0), "input_");
        return TestData.bindInputs(s.inputs(), files);
    }

    private static List<float[]> run(Session s, Map<String, Tensor> in) {
        try (Result r = s.run(in)) {
            List<float[]> out = new ArrayList<>();
            r.forEach(e -> out.add(e.getValue().toFloatArray()));
            return out;
        }
    }

    private static SessionOptions options() {
        return new SessionOptions().device("opencl-cpu").binding("jocl").threads(2);
    }

    private static void check(FaultyBinding.Fault fault, int count) {
        FaultyBinding.disarm();
        Map<ClObjects.Kind, Long> before = ClObjects.snapshot();
        List<float[]> reference;
        Map<String, Tensor> in;
        try (Session s = Session.create(dir().resolve("model.onnx"), options())) {
            in = input(s);
            reference = run(s, in);
        }
        String key = fault + " x" + count;
        int injected0 = FaultyBinding.injected();
        String outcome;
        Session s = null;
        try {
            if (fault == FaultyBinding.Fault.BUILD_PROGRAM) {
                FaultyBinding.arm(fault, count);
            }
            try {
                s = Session.create(dir().resolve("model.onnx"), options());
            } catch (ClinferException e) {
                outcome = "creation failed: " + e.getClass().getSimpleName();
                FaultyBinding.disarm();
                s = Session.create(dir().resolve("model.onnx"), options());
                assertEquals(reference.size(), run(s, in).size());
                MATRIX.put(key, outcome + "; a new session then runs");
                return;
            }
            FaultyBinding.arm(fault, count);
            try {
                List<float[]> got = run(s, in);
                for (int k = 0; k < got.size(); k++) {
                    assertArrayEquals(reference.get(k), got.get(k), 1e-4f, key + ": a completed request must be right");
                }
                outcome = "request completed correctly";
            } catch (ClinferException e) {
                outcome = "request failed: " + e.getClass().getSimpleName() + " (" + oneLine(e) + ")";
            }
            FaultyBinding.disarm();
            List<float[]> next = run(s, in);
            for (int k = 0; k < next.size(); k++) {
                assertArrayEquals(reference.get(k), next.get(k), 1e-4f, key + ": the next request must be right");
            }
            outcome += "; next request ok";
        } finally {
            FaultyBinding.disarm();
            if (s != null) {
                s.close();
            }
        }
        Map<ClObjects.Kind, Long> after = ClObjects.snapshot();
        outcome += "; injected " + (FaultyBinding.injected() - injected0) + "; live objects "
                + (after.equals(before) ? "back to baseline" : before + " -> " + after);
        MATRIX.put(key, outcome);
        assertEquals(before, after, key + ": OpenCL objects leaked");
    }

    private static String oneLine(Throwable t) {
        String m = String.valueOf(t.getMessage()).replace('\n', ' ');
        return m.length() > 120 ? m.substring(0, 120) + "..." : m;
    }

    private static void timed(FaultyBinding.Fault f) {
        for (int count : new int[] {1, 1000}) {
            try {
                assertTimeoutPreemptively(Duration.ofSeconds(60), () -> check(f, count), f + " x" + count + " wedged");
            } catch (AssertionError e) {
                MATRIX.put(f + " x" + count, "FAILED: " + oneLine(e));
                throw e;
            }
        }
    }

    @Test
    void createBufferFails() {
        timed(FaultyBinding.Fault.CREATE_BUFFER);
    }

    @Test
    void buildProgramFails() {
        timed(FaultyBinding.Fault.BUILD_PROGRAM);
    }

    @Test
    void launchFails() {
        timed(FaultyBinding.Fault.LAUNCH);
    }

    @Test
    void eventEndsInError() {
        timed(FaultyBinding.Fault.EVENT_ERROR);
    }

    /**
     * With {@link SessionOptions#rerunOnJava}, a request that a device fault failed comes back with the
     * right result from the Java path (synchronously and through runAsync); bad inputs still fail.
     */
    @Test
    void aSessionThatAllowsItRerunsFaultedRequestsOnTheJavaPath() throws Exception {
        FaultyBinding.disarm();
        Map<ClObjects.Kind, Long> before = ClObjects.snapshot();
        // (buffer allocation faults do not reach a warm session: its slot memory is already there)
        for (FaultyBinding.Fault fault : new FaultyBinding.Fault[] {FaultyBinding.Fault.LAUNCH,
                FaultyBinding.Fault.EVENT_ERROR}) {
            try (Session s = Session.create(dir().resolve("model.onnx"), options().rerunOnJava(true))) {
                Map<String, Tensor> in = input(s);
                List<float[]> reference = run(s, in);
                assertEquals(0, s.javaReruns());
                FaultyBinding.arm(fault, 1000);
                List<float[]> got = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> run(s, in));
                List<float[]> gotAsync;
                try (Result r = s.runAsync(in).get(60, java.util.concurrent.TimeUnit.SECONDS)) {
                    gotAsync = new ArrayList<>();
                    r.forEach(e -> gotAsync.add(e.getValue().toFloatArray()));
                }
                FaultyBinding.disarm();
                for (int k = 0; k < reference.size(); k++) {
                    assertArrayEquals(reference.get(k), got.get(k), 1e-4f, fault + ": the rerun's result");
                    assertArrayEquals(reference.get(k), gotAsync.get(k), 1e-4f, fault + ": the async rerun's result");
                }
                assertEquals(2, s.javaReruns(), fault + ": both requests ran again on the Java path");
                assertArrayEquals(reference.get(0), run(s, in).get(0), 1e-4f, fault + ": the device serves again");
                assertEquals(2, s.javaReruns());
                MATRIX.put("rerunOnJava " + fault + " x1000", "2 of 2 requests rerun on the Java path, correct");
            }
        }
        assertEquals(before, ClObjects.snapshot(), "OpenCL objects leaked");
    }
}
