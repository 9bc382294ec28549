package dev.clinfer.opencl.ops;

import dev.clinfer.opencl.ClBinding;
import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ClDevice;
import dev.clinfer.opencl.ClTestSupport;
import dev.clinfer.opencl.ProgramCache;
import dev.clinfer.opencl.tune.GemmConfig;
import dev.clinfer.opencl.tune.GemmTuner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real tuning run on PoCL: it picks one of its candidates, records it, and reloads it. */
class GemmTimerTest {
    @TempDir
    Path dir;

    @Test
    void realTuningPicksACandidateAndPersists() throws Exception {
        ClBinding b = ClTestSupport.openOrSkip("jocl");
        ClDevice d = b.devices().get(0);
        Path record = dir.resolve("gemm.txt");
        try (ClContext ctx = b.createContext(d); ProgramCache programs = new ProgramCache(ctx)) {
            GemmConfig c = GemmTuner.resolve(programs, GemmTimer::new, record);
            List<GemmConfig> blocks = GemmTuner.candidates(d).stream()
                    .map(x -> x.withPackMinM(c.packMinM())).toList();
            assertTrue(blocks.contains(c), c + " not among " + blocks);
            assertTrue(Set.of(1, GemmConfig.CPU_DEFAULT.packMinM(), Integer.MAX_VALUE).contains(c.packMinM()));
            assertEquals(c, GemmConfig.parse(Files.readString(record)));
            assertEquals(c, GemmTuner.resolve(programs, () -> {
                throw new AssertionError("tuned again");
            }, record));
            // trial builds stay out of the program cache
            assertEquals(0, programs.builds());
        }
    }
}
