package dev.clinfer.scheduler;

import dev.clinfer.api.Tensor;
import dev.clinfer.onnx.TensorFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The shared model zoo (../shared/models or CLINFER_MODELS), when present. */
final class ZooModels {
    private ZooModels() {
    }

    static Path dir(String model) {
        String env = System.getenv("CLINFER_MODELS");
        String shared = System.getenv("CLINFER_SHARED_DIR");
        Path[] roots = {env == null ? null : Path.of(env), shared == null ? null : Path.of(shared, "models"),
                Path.of("../../shared/models"), Path.of("../shared/models"), Path.of("/work/shared/models")};
        for (Path r : roots) {
            if (r != null && Files.isRegularFile(r.resolve(model).resolve("model.onnx"))) {
                return r.resolve(model);
            }
        }
        return null;
    }

    /** @return name to tensor of {@code prefix_K.pb} files in a test data set, in K order */
    static Map<String, Tensor> read(Path set, String prefix) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int k = 0; ; k++) {
            Path f = set.resolve(prefix + "_" + k + ".pb");
            if (!Files.isRegularFile(f)) {
                return m;
            }
            TensorFiles.Named n = TensorFiles.readPb(f);
            m.put(n.name(), n.tensor());
        }
    }

    /** numpy assert_allclose: |a - e| <= atol + rtol |e|; returns the first violation or null. */
    static String compare(Tensor actual, Tensor expected, double rtol, double atol) {
        float[] a = actual.toFloatArray();
        float[] e = expected.toFloatArray();
        if (a.length != e.length) {
            return "length " + a.length + " vs " + e.length;
        }
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]))) {
                return "element " + i + ": " + a[i] + " vs " + e[i];
            }
        }
        return null;
    }
}
