package dev.clinfer.scheduler;

import dev.clinfer.api.Result;
import dev.clinfer.api.Session;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import dev.clinfer.opencl.ClBindings;
import dev.clinfer.opencl.ClObjects;
import dev.clinfer.opencl.ClTestSupport;
import dev.clinfer.spi.SessionStats;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two OpenCL devices: PoCL with {@code POCL_DEVICES="pthread pthread"}, which must be in the
 * environment before OpenCL loads, so this class runs in its own surefire execution (see the
 * module pom) and skips when fewer than two devices are visible.
 */
class TwoDeviceTest {
    private static Tensor input(int seed, int batch) {
        Random r = new Random(seed);
        float[] x = new float[batch * 3 * 8 * 8];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return Tensor.of(x, batch, 3, 8, 8);
    }

    @BeforeEach
    void needTwoDevices() {
        ClTestSupport.openOrSkip("auto");
        long cpus = ClBindings.open("auto", new ArrayList<>()).devices().stream().filter(d -> d.type().equals("CPU")).count();
        if (cpus < 2 && "pthread pthread".equals(System.getenv("POCL_DEVICES")) && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("POCL_DEVICES set but fewer than two OpenCL CPU devices");
        }
        Assumptions.assumeTrue(cpus >= 2, "needs two OpenCL CPU devices (POCL_DEVICES=\"pthread pthread\")");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void requestsSpreadOverBothDevicesAtConcurrencyFour() throws Exception {
        Map<ClObjects.Kind, Long> before = ClObjects.snapshot();
        try (Session one = Session.create(TestModels.branchy(), new SessionOptions().device("0:0").strict(true));
             Session s = Session.create(TestModels.branchy(), new SessionOptions().device("opencl-cpu").strict(true))) {
            assertTrue(s.device().contains("0:0") && s.device().contains("0:1"), s.device());
            int requests = 200;
            List<CompletableFuture<Result>> window = new ArrayList<>();
            List<float[]> want = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                try (Result r = one.run(Map.of("x", input(i, 2)))) {
                    want.add(r.get("y").toFloatArray());
                }
            }
            for (int i = 0; i < requests; i++) {
                if (window.size() == 4) {
                    check(window.remove(0), want, i - 4);
                }
                window.add(s.runAsync(Map.of("x", input(i % 8, 2))));
            }
            for (int k = 0; k < window.size(); k++) {
                check(window.get(k), want, requests - window.size() + k);
            }
            SessionStats st = s.stats();
            System.out.println("two devices: " + st.requestsByDevice() + " overlap " + st.overlapRatio());
            assertEquals(2, st.requestsByDevice().size(), st.toString());
            for (long n : st.requestsByDevice().values()) {
                double share = (double) n / requests;
                assertTrue(share >= 0.35 && share <= 0.65, "share " + share + " in " + st.requestsByDevice());
            }
        }
        assertEquals(before, ClObjects.snapshot(), "every OpenCL object released");
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void resnet18PipelineOnTwoDevicesMatchesOneDevice() throws Exception {
        java.nio.file.Path dir = ZooModels.dir("resnet18");
        Assumptions.assumeTrue(dir != null, "model zoo not present");
        Map<String, Tensor> in = ZooModels.read(dir.resolve("test_data_set_0"), "input");
        Tensor want;
        try (Session one = Session.create(dir.resolve("model.onnx"), new SessionOptions().device("0:0").strict(true));
             Result r = one.run(in)) {
            want = r.get("output").copy();
        }
        try (Session s = Session.create(dir.resolve("model.onnx"),
                new SessionOptions().device("0:0,0:1").strict(true).pipeline(true))) {
            for (int i = 0; i < 3; i++) {
                try (Result r = s.run(in)) {
                    assertEquals(null, ZooModels.compare(r.get("output"), want, 1e-5, 1e-6), "request " + i);
                }
            }
            Map<String, Long> per = s.stats().requestsByDevice();
            System.out.println("resnet18 pipeline stage runs per device: " + per);
            assertTrue(per.getOrDefault("opencl 0:1", 0L) >= 2, "the second device ran stages: " + per);
        }
    }

    private static void check(CompletableFuture<Result> f, List<float[]> want, int i) {
        try (Result r = f.join()) {
            assertArrayEquals(want.get(i % 8), r.get("y").toFloatArray(), "request " + i);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void explicitListBatchSplitAndJavaLaneGiveTheSameOutputs() {
        Tensor x = input(3, 6);
        float[] want;
        try (Session one = Session.create(TestModels.branchy(), new SessionOptions().device("0:0").strict(true));
             Result r = one.run(Map.of("x", x))) {
            want = r.get("y").toFloatArray();
        }
        for (SessionOptions o : List.of(new SessionOptions().device("0:0,0:1").strict(true).splitBatch(2),
                new SessionOptions().device("0:0,0:1,java").strict(true).splitBatch(2),
                new SessionOptions().device("0:0,0:1").strict(true).pipeline(true))) {
            try (Session s = Session.create(TestModels.branchy(), o)) {
                for (int i = 0; i < 3; i++) {
                    try (Result r = s.run(Map.of("x", x))) {
                        float[] got = r.get("y").toFloatArray();
                        assertEquals(want.length, got.length);
                        for (int k = 0; k < want.length; k++) {
                            // the Java lane's Sigmoid/MatMul may round differently from the device's
                            assertEquals(want[k], got[k], 1e-5, o.device() + " element " + k);
                        }
                    }
                }
                System.out.println(o.device() + (o.pipeline() ? " pipeline" : " split") + ": " + s.stats().requestsByDevice());
            }
        }
    }
}
