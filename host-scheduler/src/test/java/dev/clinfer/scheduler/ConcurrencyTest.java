package dev.clinfer.scheduler;

import dev.clinfer.api.ClinferException;
import dev.clinfer.api.Result;
import dev.clinfer.api.Session;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import dev.clinfer.opencl.ClObjects;
import dev.clinfer.opencl.ClTestSupport;
import dev.clinfer.spi.LayerProfile;
import dev.clinfer.spi.SessionStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** In-flight bound with timeout, close while requests run, counters, profile and trace. */
class ConcurrencyTest {
    private static Tensor input(int batch) {
        Random r = new Random(batch);
        float[] x = new float[batch * 3 * 8 * 8];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return Tensor.of(x, batch, 3, 8, 8);
    }

    private static void busyWhileHeld(SessionOptions o) {
        try (Session s = Session.create(TestModels.branchy(), o.maxInFlight(1).acquireTimeout(Duration.ofMillis(1)))) {
            Tensor big = input(4096);
            for (int attempt = 0; attempt < 5; attempt++) {
                CompletableFuture<Result> first = s.runAsync(Map.of("x", big));
                boolean busy;
                try (Result r = s.run(Map.of("x", input(1)))) {
                    busy = false;
                } catch (Session.BusyException e) {
                    busy = true;
                    assertTrue(e.getMessage().contains("no free request slot"), e.getMessage());
                }
                first.join().close();
                if (busy) {
                    return;
                }
            }
            throw new AssertionError("a second request never hit the bound while a large one ran");
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void boundedInFlightWithTimeoutOnJava() {
        busyWhileHeld(new SessionOptions().device("java").threads(1));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void boundedInFlightWithTimeoutOnOpenCl() {
        ClTestSupport.openOrSkip("auto");
        busyWhileHeld(new SessionOptions().device("auto").strict(true).threads(1)); // one device: the bound is per device
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void closeWhileRequestsRunLetsThemEndThenFreesEverything() throws Exception {
        ClTestSupport.openOrSkip("auto");
        Map<ClObjects.Kind, Long> before = ClObjects.snapshot();
        Session s = Session.create(TestModels.branchy(), new SessionOptions().device("opencl-cpu").strict(true)
                .maxInFlight(2).cpuOnlyOp("Conv"));
        List<CompletableFuture<Result>> fs = new ArrayList<>();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            CompletableFuture<Result> f = new CompletableFuture<>();
            fs.add(f);
            Thread t = new Thread(() -> {
                try {
                    s.runAsync(Map.of("x", input(256))).whenComplete((r, e) -> {
                        if (e != null) {
                            f.completeExceptionally(e);
                        } else {
                            f.complete(r);
                        }
                    });
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
            t.start();
            callers.add(t);
        }
        Thread.sleep(50);
        s.close();
        int ok = 0;
        int refused = 0;
        for (CompletableFuture<Result> f : fs) {
            try {
                f.join().close();
                ok++;
            } catch (CompletionException e) {
                Throwable c = e.getCause();
                assertTrue(c instanceof ClinferException, String.valueOf(c));
                refused++;
            }
        }
        for (Thread t : callers) {
            t.join();
        }
        assertEquals(8, ok + refused);
        assertEquals(before, ClObjects.snapshot(), "every OpenCL object released after close");
        assertThrows(ClinferException.class, () -> s.run(Map.of("x", input(1))));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void countersProfileAndTrace(@TempDir Path dir) throws Exception {
        ClTestSupport.openOrSkip("auto");
        try (Session s = Session.create(TestModels.branchy(), new SessionOptions().device("opencl-cpu").strict(true)
                .trace(true).cpuOnlyOp("Conv"))) {
            for (int i = 0; i < 4; i++) {
                s.run(Map.of("x", input(8))).close();
            }
            SessionStats st = s.stats();
            assertEquals(4, st.requests());
            long convOut = 8L * 4 * 8 * 8 * 4;
            assertTrue(st.bytesUploaded() >= 4 * convOut && st.bytesUploaded() % (4 * convOut) == 0,
                    "the Conv output (and anything else the Java lane made) goes up each time: " + st);
            assertTrue(st.bytesDownloaded() >= 4L * 2 * 8 * 32 * 4, st.toString());
            assertTrue(st.busyNanosByLane().containsKey("java"), st.toString());
            List<LayerProfile> p = s.profile();
            String q1 = p.stream().filter(l -> l.node().equals("mm1")).findFirst().orElseThrow().queue();
            String q2 = p.stream().filter(l -> l.node().equals("mm2")).findFirst().orElseThrow().queue();
            assertTrue(q1.startsWith("compute") && q2.startsWith("compute") && !q1.equals(q2),
                    "the two MatMul branches run on different queues: " + p);
            assertTrue(p.stream().anyMatch(l -> l.node().equals("conv") && l.lane().equals("java")), p.toString());
            assertEquals(100.0, p.stream().mapToDouble(LayerProfile::percent).sum(), 1e-6);
            Path trace = dir.resolve("t.json");
            s.writeTrace(trace);
            String json = Files.readString(trace);
            assertTrue(json.startsWith("{\"displayTimeUnit\"") && json.contains("\"traceEvents\""), json);
            assertTrue(json.contains("compute1") && json.contains("upload") && json.contains("download")
                    && json.contains("clinfer-dispatch"), "tracks per queue and thread");
            s.resetStats();
            assertEquals(0, s.stats().requests());
        }
    }
}
