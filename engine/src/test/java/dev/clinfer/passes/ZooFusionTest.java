package dev.clinfer.passes;

import dev.clinfer.api.Session;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.conformance.ConformanceRunner;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The zoo models (when {@code shared/models} is found) pass their reference outputs with the
 * optimiser on and off, and the rewrites each is known for fire.
 */
class ZooFusionTest {
    private static Path zoo() {
        String env = System.getenv("CLINFER_SHARED_DIR");
        if (env != null && Files.isDirectory(Path.of(env, "models"))) {
            return Path.of(env, "models");
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            for (Path c : new Path[] {p.resolve("shared/models"), p.resolve("../shared/models")}) {
                if (Files.isDirectory(c)) {
                    return c.normalize();
                }
            }
        }
        return null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet18:FuseConvActivation", "mobilenet_v2:FuseConvActivation",
        "squeezenet1_1:FuseConvActivation", "ppocr_cls:FoldBatchNorm", "ppocr_det:FuseElementwise"})
    void zooModelPassesWithAndWithoutFusion(String spec) {
        String model = spec.split(":")[0];
        Path zoo = zoo();
        Assumptions.assumeTrue(zoo != null && Files.isRegularFile(zoo.resolve(model).resolve("model.onnx")),
                "zoo model " + model + " not found");
        Path dir = zoo.resolve(model);
        for (boolean optimize : new boolean[] {false, true}) {
            ConformanceRunner r = new ConformanceRunner(new SessionOptions().device("java").optimize(optimize), null, 300);
            ConformanceRunner.Outcome o = r.run(dir);
            assertEquals(ConformanceRunner.Status.PASS, o.status(), model + " optimize=" + optimize + ": " + o.message());
        }
        try (Session s = Session.create(dir.resolve("model.onnx"), new SessionOptions().device("java"))) {
            Map<String, Integer> f = s.modelInfo().fusions();
            assertTrue(f.getOrDefault(spec.split(":")[1], 0) > 0, model + " fired " + f);
        }
    }
}
