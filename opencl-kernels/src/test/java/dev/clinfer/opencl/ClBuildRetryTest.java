package dev.clinfer.opencl;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClBuildRetryTest {
    private static ClDevice device(String platform) {
        return new ClDevice(0, 0, "cpu", "vendor", "CPU", 2, 1000, 1L << 30, 1L << 16, 1L << 28, 4096, false, true,
                "OpenCL C 1.2", "1.0", platform, "OpenCL 3.0", null);
    }

    private static ClBuildException failure(String log) {
        return new ClBuildException("program", -11, log);
    }

    @Test
    void aPoclCacheRaceIsRetriedUntilTheBuildSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        String result = ClBuildRetry.build(device("Portable Computing Language"), () -> {
            if (calls.incrementAndGet() < 3) {
                throw failure("error: <invalid loc>: unable to rename temporary 'kcache/tempfile_x.preproc-1.cl.tmp'");
            }
            return "built";
        });
        assertEquals("built", result);
        assertEquals(3, calls.get());
    }

    @Test
    void aGenuineCompileErrorIsNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        ClBuildException e = failure("<source>:3:5: error: use of undeclared identifier 'x'");
        assertSame(e, assertThrows(ClBuildException.class, () -> ClBuildRetry.build(device("Portable Computing Language"), () -> {
            calls.incrementAndGet();
            throw e;
        })));
        assertEquals(1, calls.get());
    }

    @Test
    void otherPlatformsAndPersistentFailuresGiveUp() {
        AtomicInteger calls = new AtomicInteger();
        assertThrows(ClBuildException.class, () -> ClBuildRetry.build(device("NVIDIA CUDA"), () -> {
            calls.incrementAndGet();
            throw failure("");
        }));
        assertEquals(1, calls.get());
        calls.set(0);
        assertThrows(ClBuildException.class, () -> ClBuildRetry.build(device("Portable Computing Language"), () -> {
            calls.incrementAndGet();
            throw failure("");
        }));
        assertEquals(3, calls.get(), "at most three attempts");
    }
}
