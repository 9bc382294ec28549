package dev.clinfer.opencl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignalChainingTest {
    @TempDir
    Path dir;

    @Test
    void readsTheMappingsOfTheProcess() throws Exception {
        Path with = dir.resolve("with");
        Files.writeString(with, "7f00-7f10 r-xp 00000000 08:01 42 /usr/lib/jvm/java-17/lib/libjsig.so\n");
        Path without = dir.resolve("without");
        Files.writeString(without, "7f00-7f10 r-xp 00000000 08:01 43 /usr/lib/jvm/java-17/lib/server/libjvm.so\n");
        assertTrue(SignalChaining.mapped(with));
        assertFalse(SignalChaining.mapped(without));
        assertFalse(SignalChaining.mapped(dir.resolve("absent")));
    }

    /** The build's test JVMs preload the library (parent pom): PoCL builds in them must be safe. */
    @Test
    void testJvmsRunWithSignalChainingInCi() {
        if ("true".equals(System.getenv("CI")) && Files.isRegularFile(SignalChaining.library())) {
            assertTrue(SignalChaining.active(), "LD_PRELOAD=" + System.getenv("LD_PRELOAD") + " did not load "
                    + SignalChaining.library());
        }
    }
}
