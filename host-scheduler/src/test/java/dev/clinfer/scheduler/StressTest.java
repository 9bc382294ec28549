package dev.clinfer.scheduler;

import dev.clinfer.api.Result;
import dev.clinfer.api.Session;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import dev.clinfer.opencl.ClObjects;
import dev.clinfer.opencl.ClTestSupport;
import dev.clinfer.spi.SessionStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 8 threads x 200 requests on one session with random inputs: every output equals the
 * single-threaded result for the same input on the same device, nothing deadlocks (timeouts),
 * and afterwards every pooled buffer and OpenCL object is back.
 */
class StressTest {
    private static final int THREADS = 8;
    private static final int PER_THREAD = 200;
    private static final int DISTINCT = 24;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void openClCpuDevice() throws Exception {
        ClTestSupport.openOrSkip("auto");
        Map<ClObjects.Kind, Long> before = ClObjects.snapshot();
        // Conv forced to the Java lane: requests cross lanes both ways (download, CPU, upload)
        stress(new SessionOptions().device("opencl-cpu").strict(true).threads(2).maxInFlight(3).cpuOnlyOp("Conv"));
        assertEquals(before, ClObjects.snapshot(), "every OpenCL object released after close");
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void javaPath() throws Exception {
        stress(new SessionOptions().device("java").threads(2));
    }

    private static void stress(SessionOptions options) throws Exception {
        Random rnd = new Random(7);
        List<float[]> inputs = new ArrayList<>();
        for (int i = 0; i < DISTINCT; i++) {
            float[] x = new float[2 * 3 * 8 * 8];
            for (int k = 0; k < x.length; k++) {
                x[k] = (float) rnd.nextGaussian();
            }
            inputs.add(x);
        }
        Session s = Session.create(TestModels.branchy(), options);
        try {
            List<float[][]> expected = new ArrayList<>();
            for (float[] x : inputs) {
                try (Result r = s.run(Map.of("x", Tensor.of(x, 2, 3, 8, 8)))) {
                    expected.add(new float[][] {r.get("y").toFloatArray(), r.get("z").toFloatArray()});
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            AtomicInteger checked = new AtomicInteger();
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int seed = t;
                fs.add(pool.submit(() -> {
                    Random pick = new Random(seed);
                    for (int i = 0; i < PER_THREAD; i++) {
                        int k = pick.nextInt(DISTINCT);
                        Tensor x = Tensor.of(inputs.get(k), 2, 3, 8, 8);
                        Result r;
                        if ((seed + i) % 2 == 0) {
                            r = s.run(Map.of("x", x));
                        } else {
                            CompletableFuture<Result> f = s.runAsync(Map.of("x", x));
                            r = f.join();
                        }
                        try (r) {
                            assertArrayEquals(expected.get(k)[0], r.get("y").toFloatArray(), "y of input " + k);
                            assertArrayEquals(expected.get(k)[1], r.get("z").toFloatArray(), "z of input " + k);
                        }
                        checked.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(170, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertEquals(THREADS * PER_THREAD, checked.get());
            SessionStats st = s.stats();
            assertEquals(THREADS * PER_THREAD + DISTINCT, st.requests(), st.toString());
            assertEquals(0, st.failed());
            assertEquals(0, st.inFlight());
            assertEquals(0, st.waiting());
            assertEquals(0, s.bufferPool().outstanding(), "pooled host buffers back");
            System.out.println(options.device() + " stress stats: " + st);
        } finally {
            s.close();
        }
        assertEquals(0, s.bufferPool().outstanding());
    }
}
