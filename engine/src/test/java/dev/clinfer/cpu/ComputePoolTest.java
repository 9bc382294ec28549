package dev.clinfer.cpu;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ComputePoolTest {
    /** Every index once, from many callers at once, with loops nested inside the loop bodies. */
    @Test
    void coversEveryIndexOnceUnderConcurrentAndNestedUse() throws Exception {
        try (ComputePool pool = new ComputePool(3)) {
            ExecutorService callers = Executors.newFixedThreadPool(4);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                fs.add(callers.submit(() -> {
                    for (int round = 0; round < 200; round++) {
                        int n = 1 + round % 97;
                        AtomicIntegerArray hits = new AtomicIntegerArray(n * 8);
                        pool.parallelFor(n, 1 << 20, (s, e) -> {
                            for (int i = s; i < e; i++) {
                                int base = i * 8;
                                pool.parallelFor(8, 1 << 20, (s2, e2) -> {
                                    for (int j = s2; j < e2; j++) {
                                        hits.incrementAndGet(base + j);
                                    }
                                });
                            }
                        });
                        for (int i = 0; i < hits.length(); i++) {
                            assertEquals(1, hits.get(i), "index " + i + " of " + n);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
            callers.shutdown();
        }
    }

    @Test
    void aFailingChunkFailsTheLoopWithItsException() {
        try (ComputePool pool = new ComputePool(2)) {
            IllegalArgumentException boom = new IllegalArgumentException("boom");
            IllegalArgumentException got = assertThrows(IllegalArgumentException.class,
                    () -> pool.parallelFor(64, 1 << 20, (s, e) -> {
                        if (s == 0) {
                            throw boom;
                        }
                    }));
            assertSame(boom, got);
            // the pool keeps working
            assertEachIndexOnce(pool, 64);
        }
    }

    @Test
    void aClosedPoolLeavesTheWorkToTheCaller() {
        ComputePool pool = new ComputePool(2);
        pool.close();
        assertEachIndexOnce(pool, 64);
    }

    /** One flat loop over {@code n} indices: each must be visited exactly once. */
    private static void assertEachIndexOnce(ComputePool pool, int n) {
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        pool.parallelFor(n, 1 << 20, (s, e) -> {
            for (int i = s; i < e; i++) {
                hits.incrementAndGet(i);
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(1, hits.get(i), "index " + i);
        }
    }
}
