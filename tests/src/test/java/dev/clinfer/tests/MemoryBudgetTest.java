package dev.clinfer.tests;

import dev.clinfer.api.MemoryBudgetException;
import dev.clinfer.api.ModelInfo;
import dev.clinfer.api.Result;
import dev.clinfer.api.Session;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SessionOptions#memoryBudgetBytes(long)} on ppocr_cls (about 0.6 MB of weights, input
 * {@code x} [N, 3, 48, 192] with a symbolic batch) and squeezenet1_1: creation fails with a
 * {@link MemoryBudgetException} naming the budget and the need when the model file alone (before it is
 * read) or initializers plus the static activation peak exceed it, and at
 * run time a request whose activations would grow the pool past the budget fails the same way while
 * the session stays usable for requests that fit.
 */
class MemoryBudgetTest {
    private static Path model() {
        return TestData.requireZooModel("ppocr_cls").resolve("model.onnx");
    }

    private static Tensor input(int batch) {
        Random r = new Random(batch);
        long[] shape = {batch, 3, 48, 192};
        float[] v = new float[(int) Tensor.elementCount(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.of(v, shape);
    }

    private static float[] run(Session s, Tensor x) {
        try (Result r = s.run(Map.of("x", x))) {
            return r.iterator().next().getValue().toFloatArray();
        }
    }

    @Test
    void creationFailsWhenInitializersAndPeakExceedTheBudget() throws Exception {
        // squeezenet1_1 has static shapes, so its activation peak is planned: the file fits the
        // budget, initializers plus that peak do not
        Path squeezenet = TestData.requireZooModel("squeezenet1_1").resolve("model.onnx");
        long budget = java.nio.file.Files.size(squeezenet) + 1024;
        MemoryBudgetException e = assertThrows(MemoryBudgetException.class,
                () -> Session.create(squeezenet, new SessionOptions().device("java").memoryBudgetBytes(budget)));
        assertEquals(budget, e.budgetBytes());
        assertTrue(e.neededBytes() > budget, e.getMessage());
        assertTrue(e.getMessage().contains(Long.toString(budget)) && e.getMessage().contains(Long.toString(e.neededBytes()))
                && e.getMessage().contains("initializers"), e.getMessage());
    }

    @Test
    void aFileLargerThanTheBudgetIsRefusedBeforeItIsRead() throws Exception {
        long size = java.nio.file.Files.size(model());
        MemoryBudgetException e = assertThrows(MemoryBudgetException.class,
                () -> Session.create(model(), new SessionOptions().device("java").memoryBudgetBytes(100_000)));
        assertEquals(100_000, e.budgetBytes());
        assertEquals(size, e.neededBytes());
        assertTrue(e.getMessage().contains("model.onnx") && e.getMessage().contains("100000")
                && e.getMessage().contains("not loaded"), e.getMessage());
        byte[] bytes = java.nio.file.Files.readAllBytes(model());
        assertThrows(MemoryBudgetException.class,
                () -> Session.create(bytes, new SessionOptions().device("java").memoryBudgetBytes(100_000)));
    }

    @Test
    void runTimeGrowthPastTheBudgetFailsAndTheSessionStaysUsable() {
        float[] reference;
        long need;
        try (Session free = Session.create(model(), new SessionOptions().device("java"))) {
            reference = run(free, input(1));
            ModelInfo info = free.modelInfo();
            need = info.parameterCount() * 4 + Math.max(0, info.peakActivationBytes());
        }
        // Room for batch 1 (with the pool's size-class rounding), not for batch 64.
        long budget = need * 2 + (4L << 20);
        try (Session s = Session.create(model(), new SessionOptions().device("java").memoryBudgetBytes(budget))) {
            assertArrayEquals(reference, run(s, input(1)), 0f);
            MemoryBudgetException e = assertThrows(MemoryBudgetException.class, () -> run(s, input(64)));
            assertTrue(e.getMessage().contains("memory budget of " + budget), e.getMessage());
            assertArrayEquals(reference, run(s, input(1)), 0f, "the session must stay usable after the refusal");
        }
    }

    @Test
    void unlimitedByDefault() {
        assertEquals(Long.MAX_VALUE, new SessionOptions().memoryBudgetBytes());
        assertThrows(IllegalArgumentException.class, () -> new SessionOptions().memoryBudgetBytes(0));
    }
}
