package dev.clinfer.passes;

import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Model;
import dev.clinfer.ir.Shape;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.onnx.OnnxImporter;
import dev.clinfer.onnx.TensorFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Compares inferred output shapes with the reference outputs of ONNX backend-test folders,
 * with the file's declared shapes hidden (so only the rules are checked). A developer tool:
 * {@code java ... ShapeInferenceCheck DIR...} prints WRONG lines and a summary.
 */
public final class ShapeInferenceCheck {
    /** Outcome counts. */
    public record Counts(int exact, int partial, int unknown, List<String> wrong) {
    }

    private ShapeInferenceCheck() {
    }

    /**
     * @param testDir a folder with model.onnx and test_data_set_0
     * @return counts for its outputs
     */
    public static Counts check(Path testDir) {
        Model m = OnnxImporter.load(testDir.resolve("model.onnx"));
        Graph src = m.graph();
        List<ValueInfo> outs = new ArrayList<>();
        for (ValueInfo v : src.outputs()) {
            outs.add(ValueInfo.tensor(v.name(), null, Shape.unknownRank()));
        }
        Graph g = new Graph(src.name(), src.nodes(), src.inputs(), outs, src.initializers(), Map.of());
        TopologicalSort.apply(g, new HashSet<>());
        Map<String, ValueInfo> infos = ShapeInference.infer(g);
        int exact = 0;
        int partial = 0;
        int unknown = 0;
        List<String> wrong = new ArrayList<>();
        for (int k = 0; k < outs.size(); k++) {
            Path ref = testDir.resolve("test_data_set_0").resolve("output_" + k + ".pb");
            if (!Files.exists(ref)) {
                continue;
            }
            long[] actual = TensorFiles.readPb(ref).tensor().shape();
            ValueInfo vi = infos.get(outs.get(k).name());
            Shape s = vi == null ? Shape.unknownRank() : vi.shape();
            if (!s.hasRank()) {
                unknown++;
            } else if (!s.accepts(actual)) {
                wrong.add(testDir.getFileName() + " output " + k + ": inferred " + s + ", actual "
                        + java.util.Arrays.toString(actual));
            } else if (s.isStatic()) {
                exact++;
            } else {
                partial++;
                if (System.getenv("SHOW_PARTIAL") != null) {
                    System.out.println("PARTIAL " + testDir.getFileName() + " output " + k + ": " + s + " vs "
                            + java.util.Arrays.toString(actual));
                }
            }
        }
        return new Counts(exact, partial, unknown, wrong);
    }

    /** @param args test folders */
    public static void main(String[] args) {
        int exact = 0;
        int partial = 0;
        int unknown = 0;
        int wrong = 0;
        for (String a : args) {
            try {
                Counts c = check(Path.of(a));
                exact += c.exact();
                partial += c.partial();
                unknown += c.unknown();
                wrong += c.wrong().size();
                c.wrong().forEach(w -> System.out.println("WRONG " + w));
                if ((c.unknown() > 0 || c.partial() > 0) && System.getenv("SHOW_UNKNOWN") != null) {
                    System.out.println("UNKNOWN " + Path.of(a).getFileName());
                }
            } catch (RuntimeException e) {
                System.out.println("ERROR " + a + ": " + e);
            }
        }
        System.out.println(exact + " exact, " + partial + " partial, " + unknown + " unknown rank, " + wrong + " wrong");
    }
}
