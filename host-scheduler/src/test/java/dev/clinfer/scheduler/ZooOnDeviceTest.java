package dev.clinfer.scheduler;

import dev.clinfer.api.Result;
import dev.clinfer.api.Session;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import dev.clinfer.opencl.ClObjects;
import dev.clinfer.opencl.ClTestSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Zoo models through the scheduler on the OpenCL CPU device match their reference outputs. */
class ZooOnDeviceTest {
    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "ppocr_cls"})
    @Timeout(300)
    void zooModelMatchesReference(String model) throws Exception {
        ClTestSupport.openOrSkip("auto");
        Path dir = ZooModels.dir(model);
        Assumptions.assumeTrue(dir != null, "model zoo not present");
        Map<ClObjects.Kind, Long> before = ClObjects.snapshot();
        try (Session s = Session.create(dir.resolve("model.onnx"), new SessionOptions().device("opencl-cpu").strict(true))) {
            Map<String, Long> lanes = new TreeMap<>();
            Map<String, String> fallbacks = new TreeMap<>();
            Map<String, String> placement = s.placement();
            placement.forEach((n, l) -> lanes.merge(l, 1L, Long::sum));
            System.out.println(model + " placement: " + lanes);
            List<Path> sets;
            try (Stream<Path> st = Files.list(dir)) {
                sets = st.filter(p -> p.getFileName().toString().startsWith("test_data_set_")).sorted().toList();
            }
            for (Path set : sets) {
                Map<String, Tensor> in = ZooModels.read(set, "input");
                Map<String, Tensor> want = ZooModels.read(set, "output");
                try (Result r = s.run(in)) {
                    for (Map.Entry<String, Tensor> e : want.entrySet()) {
                        assertNull(ZooModels.compare(r.get(e.getKey()), e.getValue(), 1e-3, 1e-4),
                                model + " " + set.getFileName() + " output " + e.getKey());
                    }
                }
            }
            System.out.println(model + " profile top: " + s.profile().stream().limit(5).toList());
            System.out.println(model + " stats: " + s.stats());
        }
        assertEquals(before, ClObjects.snapshot(), "every OpenCL object released");
    }
}
