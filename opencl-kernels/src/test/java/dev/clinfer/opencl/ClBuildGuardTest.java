package dev.clinfer.opencl;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClBuildGuardTest {
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
        String result = ClBuildGuard.build(device("Portable Computing Language"), () -> {
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
        assertSame(e, assertThrows(ClBuildException.class, () -> ClBuildGuard.build(device("Portable Computing Language"), () -> {
            calls.incrementAndGet();
            throw e;
        })));
        assertEquals(1, calls.get());
    }

    @Test
    void otherPlatformsAndPersistentFailuresGiveUp() {
        AtomicInteger calls = new AtomicInteger();
        assertThrows(ClBuildException.class, () -> ClBuildGuard.build(device("NVIDIA CUDA"), () -> {
            calls.incrementAndGet();
            throw failure("");
        }));
        assertEquals(1, calls.get());
        calls.set(0);
        assertThrows(ClBuildException.class, () -> ClBuildGuard.build(device("Portable Computing Language"), () -> {
            calls.incrementAndGet();
            throw failure("");
        }));
        assertEquals(3, calls.get(), "at most three attempts");
    }

    @Test
    void poclBuildsNeverOverlap() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<String>> fs = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                fs.add(pool.submit(() -> ClBuildGuard.build(device("Portable Computing Language"), () -> {
                    most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    inside.decrementAndGet();
                    return "built";
                })));
            }
            for (java.util.concurrent.Future<String> f : fs) {
                assertEquals("built", f.get());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(1, most.get(), "two PoCL builds ran at once");
        assertEquals(true, ClBuildGuard.serialises(device("Portable Computing Language")));
        assertEquals(false, ClBuildGuard.serialises(device("NVIDIA CUDA")));
    }
}
