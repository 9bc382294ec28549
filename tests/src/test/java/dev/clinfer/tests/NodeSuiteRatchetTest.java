package dev.clinfer.tests;

import dev.clinfer.api.SessionOptions;
import dev.clinfer.conformance.ConformanceRunner;
import dev.clinfer.conformance.ConformanceRunner.Outcome;
import dev.clinfer.conformance.ConformanceRunner.Status;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ONNX backend test suites of {@code libonnx-testdata} as a ratchet: each suite's pass count on
 * the Java CPU path must not drop below its floor in {@code conformance-floor.properties}. Raise the
 * floors as operators land, so that a regression fails the build.
 *
 * <p>Prints each failing test with its reason (one line) and {@code N passed, N failed}; writes every
 * outcome to {@code target/conformance-<suite>.txt}. Each test folder has 60 s.
 */
class NodeSuiteRatchetTest {
    private static final long TIMEOUT_SECONDS = 60;
    private static Properties floors;

    @BeforeAll
    static void readFloors() throws IOException {
        floors = new Properties();
        try (InputStream in = NodeSuiteRatchetTest.class.getResourceAsStream("/conformance-floor.properties")) {
            assertNotNull(in, "conformance-floor.properties is missing from the test resources");
            floors.load(in);
        }
    }

    @Test
    void node() throws IOException {
        ratchet("node");
    }

    @Test
    void pytorchConverted() throws IOException {
        ratchet("pytorch-converted");
    }

    @Test
    void pytorchOperator() throws IOException {
        ratchet("pytorch-operator");
    }

    @Test
    void simple() throws IOException {
        ratchet("simple");
    }

    private static void ratchet(String suite) throws IOException {
        String floorText = floors.getProperty(suite);
        assertNotNull(floorText, "conformance-floor.properties has no key '" + suite + "'");
        int floor = Integer.parseInt(floorText.trim());
        Path dir = TestData.requireOnnxSuite(suite);
        List<Path> tests = ConformanceRunner.discover(dir);
        assertTrue(!tests.isEmpty(), "no test folders in " + dir);

        ConformanceRunner runner = new ConformanceRunner(new SessionOptions().device("java"), null, TIMEOUT_SECONDS);
        List<String> lines = new ArrayList<>();
        int pass = 0;
        int fail = 0;
        int skip = 0;
        long t0 = System.nanoTime();
        for (Path t : tests) {
            Outcome o = runner.run(t);
            // No timings in the line: the report is meant to be diffed between runs.
            String line = o.status() + " " + o.name() + (o.message().isEmpty() ? "" : ": " + o.message());
            lines.add(line);
            if (o.status() == Status.PASS) {
                pass++;
            } else if (o.status() == Status.FAIL) {
                fail++;
                System.out.println("[" + suite + "] " + line);
            } else {
                skip++;
                System.out.println("[" + suite + "] " + line);
            }
        }
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        String summary = pass + " passed, " + fail + " failed" + (skip > 0 ? ", " + skip + " skipped" : "");
        lines.add(summary);
        Path report = targetDir().resolve("conformance-" + suite + ".txt");
        Files.createDirectories(report.getParent());
        Files.write(report, lines);
        System.out.println("[" + suite + "] " + summary + " in " + seconds + " s (floor " + floor + "; every outcome in "
                + report + ")");
        if (pass > floor) {
            System.out.println("[" + suite + "] the floor can be raised to " + pass);
        }
        assertTrue(pass >= floor, suite + ": " + pass + " passed, below the floor of " + floor
                + " in conformance-floor.properties (" + summary + "; see " + report + ")");
    }

    /** Surefire sets {@code basedir} to the module folder; fall back to the working directory. */
    private static Path targetDir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "target");
    }
}
