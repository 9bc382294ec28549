package dev.clinfer.cli;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.onnx.TensorFiles;
import dev.clinfer.util.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** run, info and conformance on handmade models that need no operator kernel. */
class CommandsTest {
    /** A backend-test folder: the pass-through model plus one input/output pair. */
    private static Path testFolder(Path root, String name, float[] in, float[] expected) throws Exception {
        Path dir = Files.createDirectories(root.resolve(name));
        Files.write(dir.resolve("model.onnx"), CliRun.passThroughModel("x", 2, 2));
        Path set = Files.createDirectories(dir.resolve("test_data_set_0"));
        Files.write(set.resolve("input_0.pb"), TensorFiles.toPb("x", Tensor.of(in, 2, 2)));
        Files.write(set.resolve("output_0.pb"), TensorFiles.toPb("x", Tensor.of(expected, 2, 2)));
        return dir;
    }

    @Test
    void conformancePassesOnAHandmadeFolder(@TempDir Path root) throws Exception {
        float[] v = {1f, -2f, 3.5f, 0f};
        testFolder(root, "test_pass_through", v, v);
        CliRun r = CliRun.of("conformance", root.toString());
        assertEquals(0, r.code, r.toString());
        assertTrue(r.out.matches("(?s)PASS test_pass_through \\(\\d+ ms\\)\\R.*"), r.toString());
        assertTrue(r.out.lines().anyMatch("1 passed, 0 failed"::equals), r.toString());
        assertTrue(r.err.isEmpty(), r.toString());
    }

    @Test
    void conformanceFailsAndToleranceOverrides(@TempDir Path root) throws Exception {
        Path dir = testFolder(root, "test_off_by_a_bit", new float[] {1f, 2f, 3f, 4f},
                new float[] {1f, 2f, 3f, 4.01f});
        CliRun strict = CliRun.of("conformance", dir.toString());
        assertEquals(1, strict.code, strict.toString());
        assertTrue(strict.out.contains("FAIL test_off_by_a_bit: "), strict.toString());
        assertTrue(strict.out.lines().anyMatch("0 passed, 1 failed"::equals), strict.toString());
        CliRun loose = CliRun.of("conformance", "--atol", "0.02", dir.toString());
        assertEquals(0, loose.code, loose.toString());
        assertTrue(loose.out.lines().anyMatch("1 passed, 0 failed"::equals), loose.toString());
        Files.writeString(dir.resolve("data.json"), "{\"rtol\": 1e-2, \"atol\": 0}");
        CliRun fromJson = CliRun.of("conformance", dir.toString());
        assertEquals(0, fromJson.code, "data.json tolerance is used\n" + fromJson);
        CliRun rtolOnly = CliRun.of("conformance", "--rtol", "1e-4", dir.toString());
        assertEquals(1, rtolOnly.code, "--rtol replaces data.json's rtol\n" + rtolOnly);
    }

    @Test
    void conformanceReportsSkips(@TempDir Path root) throws Exception {
        Path dir = Files.createDirectories(root.resolve("test_no_data"));
        Files.write(dir.resolve("model.onnx"), CliRun.passThroughModel("x", 1));
        CliRun r = CliRun.of("conformance", root.toString());
        assertEquals(0, r.code, r.toString());
        assertTrue(r.out.contains("0 passed, 0 failed\n1 skipped\n  test_no_data: "), r.toString());
    }

    @Test
    void conformanceOnAMissingFolderFails(@TempDir Path root) {
        CliRun r = CliRun.of("conformance", root.resolve("nowhere").toString());
        assertEquals(1, r.code, r.toString());
        assertEquals(1, r.errLines().length, r.toString());
        assertTrue(r.err.contains("nowhere"), r.toString());
    }

    @Test
    void runReadsNpyAndWritesNpy(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("m.onnx");
        Files.write(model, CliRun.passThroughModel("input:0", -1, 3));
        Path in = dir.resolve("in.npy");
        // float64, as numpy saves by default: the CLI converts it to the model's float32
        Npy.write(in, Tensor.ofDoubles(new double[] {0.5, -1, 9, 2, 3, 4}, 2, 3));
        Path outDir = dir.resolve("out");
        CliRun r = CliRun.of("run", model.toString(), "--input", "input:0=" + in, "--output", outDir.toString(),
                "--device", "java", "--threads", "1");
        assertEquals(0, r.code, r.toString());
        assertTrue(r.out.contains("device: java"), r.toString());
        assertTrue(r.out.contains("output input:0: float32 [2, 3]"), r.toString());
        assertTrue(r.out.contains("min -1.00000  max 9.00000  mean 2.91667"), r.toString());
        assertTrue(r.out.matches("(?s).*run time: [0-9.]+ ms.*"), r.toString());
        Path written = outDir.resolve("input_0.npy");
        assertTrue(Files.isRegularFile(written), r.toString());
        Tensor back = Npy.read(written);
        assertEquals(DataType.FLOAT, back.dataType());
        assertArrayEquals(new long[] {2, 3}, back.shape());
        assertArrayEquals(new float[] {0.5f, -1f, 9f, 2f, 3f, 4f}, back.toFloatArray());
    }

    @Test
    void runPrintsTopFiveOfAVectorAndReadsPb(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("m.onnx");
        Files.write(model, CliRun.passThroughModel("logits", 1, 7));
        Path pb = dir.resolve("logits.pb");
        Files.write(pb, TensorFiles.toPb("logits", Tensor.of(new float[] {0.1f, 5f, -3f, 2f, 7f, 0f, 1f}, 1, 7)));
        CliRun r = CliRun.of("run", model.toString(), "-i", pb.toString());
        assertEquals(0, r.code, r.toString());
        assertTrue(r.out.contains("top-5: 4: 7.00000, 1: 5.00000, 3: 2.00000, 6: 1.00000, 0: 0.100000"), r.toString());
    }

    @Test
    void runWithRandomInputs(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("m.onnx");
        Files.write(model, CliRun.passThroughModel("x", -1, 4, 5));
        CliRun r = CliRun.of("run", model.toString(), "--random", "--seed", "7");
        assertEquals(0, r.code, r.toString());
        assertTrue(r.out.contains("input  x: float32 [1, 4, 5] (random, seed 7)"), r.toString());
        assertTrue(r.out.contains("output x: float32 [1, 4, 5]"), r.toString());
    }

    @Test
    void runWithoutInputsSaysWhatIsMissing(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("m.onnx");
        Files.write(model, CliRun.passThroughModel("x", 2));
        CliRun r = CliRun.of("run", model.toString());
        assertEquals(1, r.code, r.toString());
        assertEquals(1, r.errLines().length, r.toString());
        assertTrue(r.err.contains("'x'") && r.err.contains("--random"), r.toString());
        CliRun unknown = CliRun.of("run", model.toString(), "--input", "y=" + dir.resolve("y.npy"));
        assertEquals(1, unknown.code, unknown.toString());
        assertTrue(unknown.err.contains("no input 'y'"), unknown.toString());
        CliRun missingFile = CliRun.of("run", model.toString(), "--input", "x=" + dir.resolve("gone.npy"));
        assertEquals(1, missingFile.code, missingFile.toString());
        assertEquals(1, missingFile.errLines().length, missingFile.toString());
        assertTrue(missingFile.err.contains("gone.npy"), missingFile.toString());
    }

    @Test
    void infoDescribesTheModel(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("m.onnx");
        Files.write(model, CliRun.passThroughModel("x", -1, 3));
        CliRun r = CliRun.of("info", model.toString(), "--device", "java");
        assertEquals(0, r.code, r.toString());
        assertTrue(r.out.contains("producer:    clinfer-test"), r.toString());
        assertTrue(r.out.contains("IR version:  8"), r.toString());
        assertTrue(r.out.contains("opsets:      ai.onnx 13"), r.toString());
        assertTrue(r.out.contains("  x: float32 [N, 3]"), r.toString());
        assertTrue(r.out.contains("parameters:  0"), r.toString());
        assertTrue(r.out.contains("peak activation memory"), r.toString());
    }

    @Test
    void outputFileNamesAreSafeAndUnique() {
        Set<String> used = new HashSet<>();
        assertEquals("softmax_0.tmp_0.npy", RunCommand.fileName("softmax_0.tmp_0", 0, used));
        assertEquals("a_b_c.npy", RunCommand.fileName("a/b:c", 1, used));
        assertEquals("a_b_c_2.npy", RunCommand.fileName("a?b c", 2, used));
        assertEquals("output_3.npy", RunCommand.fileName("..", 3, used));
        assertEquals("output_4.npy", RunCommand.fileName("", 4, used));
    }
}
