package dev.clinfer.passes;

import dev.clinfer.cpu.ComputePool;
import dev.clinfer.cpu.Interpreter;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Model;
import dev.clinfer.ir.Shape;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.onnx.OnnxImporter;
import dev.clinfer.ops.OpRegistry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shape inference and memory planning on the model zoo (skipped where the zoo is absent). */
class ShapeInferenceModelsTest {
    private static final Path ZOO = Path.of(System.getProperty("clinfer.models", "/work/shared/models"));

    private static GraphOptimizer.Report optimize(String name) {
        Path file = ZOO.resolve(name).resolve("model.onnx");
        Assumptions.assumeTrue(Files.exists(file), "model zoo not present: " + file);
        Model m = OnnxImporter.load(file);
        try (ComputePool pool = new ComputePool(1)) {
            return GraphOptimizer.run(m.graph(), OpRegistry.defaultRegistry(),
                    new Interpreter(pool, null).loadTimeContext(), true);
        }
    }

    @Test
    void resnet18PlansEveryActivationWithSymbolicBatch() {
        GraphOptimizer.Report r = optimize("resnet18");
        MemoryPlanner.Plan p = r.memory();
        System.out.println("resnet18: " + p.plannedValues() + " planned, " + p.unknownValues() + " unknown, peak "
                + p.peakBytes() + " B, total " + p.totalBytes() + " B");
        assertEquals(0, p.unknownValues());
        // 24 nodes are left once Conv+Relu and Conv+Add+Relu (FusedConvAdd) are fused; every
        // non-view output is planned.
        assertTrue(p.plannedValues() > 20, p.plannedValues() + " planned");
        ValueInfo out = r.valueInfos().get("output");
        assertEquals(Shape.of(java.util.List.of(out.shape().dim(0), dev.clinfer.ir.Dim.of(1000))), out.shape());
        assertTrue(out.shape().dim(0).isSymbolic(), "batch stays symbolic: " + out.shape());
        // The first conv: [batch,3,224,224] -> [batch,64,112,112].
        boolean found = false;
        for (ValueInfo v : r.valueInfos().values()) {
            if (v.shape().hasRank() && v.shape().rank() == 4 && v.shape().dim(1).isKnown()
                    && v.shape().dim(1).value() == 64 && v.shape().dim(2).isKnown() && v.shape().dim(2).value() == 112) {
                found = v.shape().dim(0).isSymbolic();
            }
        }
        assertTrue(found, "a [batch,64,112,112] activation");
    }

    @Test
    void otherZooModelsArePlanned() {
        // ppocr_* declare symbolic spatial dims, which strided convs turn into unknown ones.
        for (String name : new String[] {"mobilenet_v2", "squeezenet1_1"}) {
            if (!Files.exists(ZOO.resolve(name).resolve("model.onnx"))) {
                continue;
            }
            MemoryPlanner.Plan p = optimize(name).memory();
            System.out.println(name + ": " + p.plannedValues() + " planned, " + p.unknownValues() + " unknown, peak "
                    + p.peakBytes() + " B");
            assertEquals(0, p.unknownValues(), name);
        }
    }

    @Test
    void graphIsUntouchedByInference() {
        Path file = ZOO.resolve("squeezenet1_1").resolve("model.onnx");
        Assumptions.assumeTrue(Files.exists(file));
        Graph g = OnnxImporter.load(file).graph();
        int nodes = g.nodes().size();
        ShapeInference.infer(g);
        assertEquals(nodes, g.nodes().size());
    }
}
