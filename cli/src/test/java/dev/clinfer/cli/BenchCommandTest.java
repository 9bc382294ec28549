package dev.clinfer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchCommandTest {
    @Test
    void benchPrintsThroughputLatencyAndDevices(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("m.onnx");
        Files.write(model, CliRun.passThroughModel("x", -1, 4));
        CliRun r = CliRun.of("bench", model.toString(), "--device", "java", "--concurrency", "3", "--requests", "20",
                "--warmup", "2", "--batch", "5");
        assertEquals(0, r.code, r.toString());
        assertTrue(r.out.contains("throughput:") && r.out.contains("latency ms:  p50") && r.out.contains("java 20 (100.0%)"),
                r.toString());
        assertTrue(r.out.contains("x float32 [5, 4]"), r.toString());
        assertTrue(r.err.contains("20/20"), "progress bar on stderr: " + r);
    }

    @Test
    void benchJsonIsOneObject(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("m.onnx");
        Files.write(model, CliRun.passThroughModel("x", -1, 4));
        CliRun r = CliRun.of("bench", model.toString(), "--device", "java", "--requests", "5", "--json");
        assertEquals(0, r.code, r.toString());
        String json = r.out.trim();
        assertTrue(json.startsWith("{") && json.endsWith("}") && !json.contains("\n"), json);
        for (String key : new String[] {"\"throughput_per_s\":", "\"latency_ms\":{\"p50\":", "\"p90\":", "\"p99\":",
                "\"requests_per_device\":{\"java\":5}", "\"overlap_ratio\":"}) {
            assertTrue(json.contains(key), key + " in " + json);
        }
    }

    @Test
    void benchRejectsBadCounts(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("m.onnx");
        Files.write(model, CliRun.passThroughModel("x", -1, 4));
        assertEquals(Main.EXIT_USAGE, CliRun.of("bench", model.toString(), "--requests", "0").code);
    }
}
