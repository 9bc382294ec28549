package dev.clinfer.opencl.tune;

import dev.clinfer.opencl.ClBinding;
import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ClDevice;
import dev.clinfer.opencl.ClTestSupport;
import dev.clinfer.opencl.ProgramCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The tuner's choice and its record, with a scripted probe (no timing in the test). */
class GemmTunerTest {
    @TempDir
    Path dir;

    /** A probe that answers from a table: block timings by config, packing by (pack?, M). */
    private static Supplier<GemmProbe> scripted(Map<String, Double> block, boolean thinPacks, boolean bigPacks,
                                                List<String> calls) {
        return () -> (programs, c, m, k, n) -> {
            calls.add(c.encode() + "@" + m + "x" + k + "x" + n);
            if (m == GemmTuner.BLOCK[0] && k == GemmTuner.BLOCK[1] && n == GemmTuner.BLOCK[2]) {
                return block.getOrDefault(c.withPackMinM(GemmConfig.CPU_DEFAULT.packMinM()).encode(), 1.0);
            }
            boolean packed = c.packMinM() == 1;
            boolean packs = m == GemmTuner.THIN[0] ? thinPacks : bigPacks;
            return packed == packs ? 0.5 : 0.6;
        };
    }

    private static Supplier<GemmProbe> failing() {
        return () -> (programs, c, m, k, n) -> fail("probed although a record exists");
    }

    @Test
    void picksTheFastestCandidateAndThePackingThreshold() {
        List<String> calls = new ArrayList<>();
        List<GemmConfig> cands = GemmTuner.candidates(null);
        String fast = cands.get(2).encode();
        Map<String, Double> block = Map.of(fast, 0.2, cands.get(1).encode(), 0.3);
        assertEquals(cands.get(2).withPackMinM(1), GemmTuner.pick(null, scripted(block, true, true, calls).get(), cands));
        assertEquals(cands.get(2).withPackMinM(GemmConfig.CPU_DEFAULT.packMinM()),
                GemmTuner.pick(null, scripted(block, false, true, calls).get(), cands));
        assertEquals(cands.get(2).withPackMinM(Integer.MAX_VALUE),
                GemmTuner.pick(null, scripted(block, false, false, calls).get(), cands));
        // every candidate timed once per run on the block product
        assertEquals(3 * cands.size(), calls.stream().filter(s -> s.endsWith("@" + GemmTuner.BLOCK[0] + "x"
                + GemmTuner.BLOCK[1] + "x" + GemmTuner.BLOCK[2])).count());
    }

    @Test
    void tunesOncePersistsAndReloads() throws Exception {
        ClBinding b = ClTestSupport.openOrSkip("jocl");
        ClDevice d = b.devices().get(0);
        Path record = dir.resolve("gemm.txt");
        List<GemmConfig> cands = GemmTuner.candidates(d);
        try (ClContext ctx = b.createContext(d); ProgramCache programs = new ProgramCache(ctx)) {
            // a tuning run that fails leaves no choice and no record (the default applies, untuned)
            assertNull(GemmTuner.resolve(programs, () -> (p, c, m, k, n) -> {
                throw new IllegalStateException("device lost");
            }, record));
            assertFalse(Files.exists(record));
            List<String> calls = new ArrayList<>();
            GemmConfig c = GemmTuner.resolve(programs, scripted(Map.of(cands.get(3).encode(), 0.1), false, true, calls), record);
            assertEquals(cands.get(3).withPackMinM(GemmConfig.CPU_DEFAULT.packMinM()), c);
            assertTrue(Files.isRegularFile(record));
            assertEquals(c, GemmConfig.parse(Files.readString(record)));
            assertEquals(c, GemmTuner.resolve(programs, failing(), record));
            // an unreadable record is tuned again and rewritten
            Files.writeString(record, "garbage");
            calls.clear();
            assertEquals(c, GemmTuner.resolve(programs, scripted(Map.of(cands.get(3).encode(), 0.1), false, true, calls), record));
            assertTrue(calls.size() > cands.size());
            assertEquals(c, GemmTuner.load(record));
        }
    }
}
