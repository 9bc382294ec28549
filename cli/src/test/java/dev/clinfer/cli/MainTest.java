package dev.clinfer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Top-level behaviour: help, version, exit codes and the one-line error contract. */
class MainTest {
    @Test
    void helpListsCommandsAndExitsZero() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.code, r.toString());
        for (String cmd : new String[] {"run", "info", "conformance", "devices"}) {
            assertTrue(r.out.contains("  " + cmd + " "), "usage lists " + cmd + "\n" + r);
        }
        assertTrue(r.err.isEmpty(), r.toString());
    }

    @Test
    void noCommandPrintsUsage() {
        CliRun r = CliRun.of();
        assertEquals(0, r.code, r.toString());
        assertTrue(r.out.startsWith("Usage: clinfer"), r.toString());
    }

    @Test
    void subcommandHelp() {
        CliRun r = CliRun.of("help", "conformance");
        assertEquals(0, r.code, r.toString());
        assertTrue(r.out.contains("--rtol") && r.out.contains("--timeout"), r.toString());
    }

    @Test
    void versionComesFromTheProject() {
        CliRun r = CliRun.of("--version");
        assertEquals(0, r.code, r.toString());
        assertTrue(r.out.matches("(?s)clinfer \\d+\\.\\d+\\.\\d+.*"), r.toString());
        assertFalse(r.out.contains("${"), "version resource must be filtered\n" + r);
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRun r = CliRun.of("--bogus");
        assertEquals(2, r.code, r.toString());
        assertEquals(1, r.errLines().length, r.toString());
        assertTrue(r.err.startsWith("clinfer: error: ") && r.err.contains("--bogus"), r.toString());
        assertTrue(r.out.isEmpty(), r.toString());
    }

    @Test
    void unknownOptionOfASubcommandIsAUsageError() {
        CliRun r = CliRun.of("conformance", "--bogus", ".");
        assertEquals(2, r.code, r.toString());
        assertEquals(1, r.errLines().length, r.toString());
        assertTrue(r.err.contains("clinfer conformance --help"), r.toString());
    }

    @Test
    void badThreadsIsAUsageError() {
        CliRun r = CliRun.of("run", "--threads", "0", "m.onnx");
        assertEquals(2, r.code, r.toString());
        assertEquals(1, r.errLines().length, r.toString());
    }

    @Test
    void missingModelFileFailsWithOneLine(@TempDir Path dir) {
        Path missing = dir.resolve("no_such_model.onnx");
        for (String cmd : new String[] {"run", "info"}) {
            CliRun r = CliRun.of(cmd, missing.toString());
            assertEquals(1, r.code, r.toString());
            assertEquals(1, r.errLines().length, r.toString());
            assertTrue(r.err.startsWith("clinfer: error: ") && r.err.contains("no_such_model.onnx"), r.toString());
        }
    }

    @Test
    void corruptModelFailsWithOneLineAndVerboseAddsTheTrace(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.onnx");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5, 6, 7});
        CliRun r = CliRun.of("info", bad.toString());
        assertEquals(1, r.code, r.toString());
        assertEquals(1, r.errLines().length, r.toString());
        assertTrue(r.err.startsWith("clinfer: error: "), r.toString());
        CliRun v = CliRun.of("info", "--verbose", bad.toString());
        assertEquals(1, v.code, v.toString());
        assertTrue(v.errLines().length > 1 && v.err.contains("\tat "), v.toString());
        CliRun top = CliRun.of("--verbose", "info", bad.toString());
        assertTrue(top.errLines().length > 1, "--verbose before the command works too\n" + top);
    }

    @Test
    void devicesListsTheJavaPath() {
        CliRun r = CliRun.of("devices");
        assertEquals(0, r.code, r.toString());
        assertTrue(r.out.contains("java: the pure-Java CPU path") && r.out.contains("processors")
                && r.out.contains("OpenCL") && r.out.contains("auto takes: "), r.toString());
        // exactly one device is marked as auto's choice
        assertEquals(1, r.out.lines().filter(l -> l.contains("<- auto")).count(), r.toString());
    }
}
