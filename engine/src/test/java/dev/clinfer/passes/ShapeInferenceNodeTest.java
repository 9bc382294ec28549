package dev.clinfer.passes;

import dev.clinfer.api.Result;
import dev.clinfer.api.Session;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Model;
import dev.clinfer.ir.Shape;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.onnx.OnnxImporter;
import dev.clinfer.onnx.TensorFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Inferred shapes against the shapes of real runs and of the ONNX reference outputs. */
class ShapeInferenceNodeTest {
    private static final Path NODE = Path.of("/usr/share/libonnx-testdata/data/node");

    /** Tests whose inputs fix every shape and whose ops run on this branch. */
    private static final String[] RUN = {
        "test_transpose_all_permutations_3", "test_concat_3d_axis_negative_2", "test_split_equal_parts_2d",
        "test_flatten_negative_axis2", "test_depthtospace_crd_mode", "test_spacetodepth", "test_constant",
        "test_shape_start_1_end_negative_1", "test_constantofshape_int_zeros", "test_unique_sorted_with_axis_3d",
    };

    private static Map<String, ValueInfo> inferHidingDeclarations(Path dir) {
        Model m = OnnxImporter.load(dir.resolve("model.onnx"));
        Graph src = m.graph();
        List<ValueInfo> outs = new ArrayList<>();
        for (ValueInfo v : src.outputs()) {
            outs.add(ValueInfo.tensor(v.name(), null, Shape.unknownRank()));
        }
        Graph g = new Graph(src.name(), src.nodes(), src.inputs(), outs, src.initializers(), Map.of());
        TopologicalSort.apply(g, new HashSet<>());
        return ShapeInference.infer(g);
    }

    @Test
    void inferredShapesMatchActualRuns() {
        Assumptions.assumeTrue(Files.isDirectory(NODE), "ONNX test data not installed");
        int checked = 0;
        for (String t : RUN) {
            Path dir = NODE.resolve(t);
            Map<String, ValueInfo> infos = inferHidingDeclarations(dir);
            try (Session s = Session.create(dir.resolve("model.onnx"))) {
                Map<String, Tensor> feed = new HashMap<>();
                for (int j = 0; Files.exists(dir.resolve("test_data_set_0/input_" + j + ".pb")); j++) {
                    TensorFiles.Named n = TensorFiles.readPb(dir.resolve("test_data_set_0/input_" + j + ".pb"));
                    feed.put(s.inputs().get(j).name(), n.tensor());
                }
                try (Result r = s.run(feed)) {
                    for (String name : r.names()) {
                        Shape inferred = infos.get(name).shape();
                        if (!inferred.isStatic()) {
                            continue; // data-dependent sizes (Unique) stay unknown
                        }
                        assertArrayEquals(r.get(name).shape(), inferred.toArray(), t + " output " + name);
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked >= RUN.length, "checked " + checked + " outputs");
    }

    @Test
    void noInferredShapeContradictsAReferenceOutput() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(NODE), "ONNX test data not installed");
        List<String> wrong = new ArrayList<>();
        int exact = 0;
        try (Stream<Path> dirs = Files.list(NODE)) {
            for (Path d : (Iterable<Path>) dirs.sorted()::iterator) {
                if (!Files.exists(d.resolve("model.onnx"))) {
                    continue;
                }
                try {
                    ShapeInferenceCheck.Counts c = ShapeInferenceCheck.check(d);
                    wrong.addAll(c.wrong());
                    exact += c.exact();
                } catch (RuntimeException e) {
                    // sequence/optional reference outputs are not tensors: nothing to compare
                }
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(exact > 700, "only " + exact + " outputs inferred exactly");
    }
}
