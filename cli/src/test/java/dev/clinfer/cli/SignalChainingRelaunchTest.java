package dev.clinfer.cli;

import dev.clinfer.opencl.SignalChaining;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code java ... dev.clinfer.cli.Main} started without the signal-chaining library relaunches itself with it. */
class SignalChainingRelaunchTest {
    private static String devices(String chaining) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "devices").redirectErrorStream(true);
        pb.environment().remove("LD_PRELOAD");
        pb.environment().remove(SignalChainingRelaunch.MARK);
        if (chaining != null) {
            pb.environment().put(SignalChainingRelaunch.SWITCH, chaining);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "clinfer devices did not end");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void relaunchesWithTheLibraryPreloaded() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux") && Files.isRegularFile(SignalChaining.library()),
                "needs Linux and HotSpot's libjsig.so");
        assertTrue(devices(null).contains("signal chaining: on (libjsig preloaded)"));
        assertTrue(devices("off").contains("signal chaining: off"));
    }

    @Test
    void theRelaunchedJvmDoesNotRelaunchAgain() {
        assertTrue(SignalChainingRelaunch.command(java.util.Map.of(SignalChainingRelaunch.MARK, "1")).isEmpty());
        assertTrue(SignalChainingRelaunch.command(java.util.Map.of(SignalChainingRelaunch.SWITCH, "OFF")).isEmpty());
        List<String> cmd = SignalChainingRelaunch.command(java.util.Map.of()).orElse(List.of());
        // this test JVM preloads the library (parent pom), so there is nothing to relaunch
        if (SignalChaining.active()) {
            assertTrue(cmd.isEmpty());
        }
    }
}
