package dev.clinfer.passes;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.cpu.ComputePool;
import dev.clinfer.cpu.ExecutionPlan;
import dev.clinfer.cpu.Interpreter;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.ops.OpRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Builds small graphs and runs them with the optimiser off and on, so a fusion test can check
 * that the rewrite fired and that the outputs did not change beyond a float tolerance.
 */
final class FusionTestSupport {
    private FusionTestSupport() {
    }

    /** A tiny graph builder (build() makes a fresh graph each time: passes change graphs in place). */
    static final class G {
        final List<Node> nodes = new ArrayList<>();
        final List<ValueInfo> inputs = new ArrayList<>();
        final List<ValueInfo> outputs = new ArrayList<>();
        final Map<String, Tensor> inits = new LinkedHashMap<>();
        int opset = 13;
        private int count;

        G input(String name, long... shape) {
            inputs.add(ValueInfo.tensor(name, DataType.FLOAT, Shape.of(shape)));
            return this;
        }

        G init(String name, Tensor t) {
            inits.put(name, t);
            return this;
        }

        G scalar(String name, float v) {
            return init(name, Tensor.of(new float[] {v}));
        }

        /** Adds a node with attributes given as name/value pairs (Long, Float, String, long[], float[]). */
        G node(String op, List<String> in, String out, Object... attrs) {
            Map<String, Attribute> m = new LinkedHashMap<>();
            for (int i = 0; i < attrs.length; i += 2) {
                String k = (String) attrs[i];
                Object v = attrs[i + 1];
                Attribute a;
                if (v instanceof Long l) {
                    a = FusionGraph.intAttr(k, l);
                } else if (v instanceof Integer l) {
                    a = FusionGraph.intAttr(k, l);
                } else if (v instanceof Float f) {
                    a = FusionGraph.floatAttr(k, f);
                } else if (v instanceof String s) {
                    a = FusionGraph.stringAttr(k, s);
                } else if (v instanceof long[] l) {
                    a = FusionGraph.intsAttr(k, l);
                } else {
                    a = FusionGraph.floatsAttr(k, (float[]) v);
                }
                m.put(k, a);
            }
            nodes.add(new Node(op + "_" + count++, op, "", in, List.of(out), m, opset));
            return this;
        }

        G output(String name) {
            outputs.add(ValueInfo.tensor(name, DataType.FLOAT, Shape.unknownRank()));
            return this;
        }

        Graph build() {
            Map<String, Tensor> copies = new LinkedHashMap<>();
            inits.forEach((k, v) -> copies.put(k, v.copy()));
            return new Graph("test", nodes, inputs, outputs, copies, Map.of());
        }
    }

    /** Outputs of one run and what the optimiser did. */
    record Run(Tensor[] outputs, GraphOptimizer.Report report, Graph graph) {
        /** @return op types left after the passes */
        List<String> ops() {
            return graph.nodes().stream().map(Node::opType).toList();
        }
    }

    static Run run(Supplier<Graph> graph, Tensor[] inputs, boolean optimize) {
        Graph g = graph.get();
        try (ComputePool pool = new ComputePool(2)) {
            Interpreter in = new Interpreter(pool, null);
            GraphOptimizer.Report r = GraphOptimizer.run(g, OpRegistry.defaultRegistry(), in.loadTimeContext(), optimize);
            Tensor[] out = in.run(new ExecutionPlan(g, OpRegistry.defaultRegistry()), inputs);
            return new Run(out, r, g);
        }
    }

    /**
     * Runs the graph unoptimised and optimised, checks that the outputs agree and that
     * {@code pass} fired {@code times} times.
     *
     * @return the optimised run
     */
    static Run compare(G g, Tensor[] inputs, String pass, int times) {
        Run plain = run(g::build, inputs, false);
        Run fused = run(g::build, inputs, true);
        assertTrue(plain.report().fusions().isEmpty(), "optimise=false must not fuse: " + plain.report().fusions());
        assertEquals(times, fused.report().fusions().getOrDefault(pass, 0), "fired: " + fused.report().fusions()
                + ", nodes after: " + fused.ops());
        assertEquals(plain.outputs().length, fused.outputs().length);
        for (int i = 0; i < plain.outputs().length; i++) {
            assertClose(plain.outputs()[i], fused.outputs()[i], 1e-4, 1e-5);
        }
        return fused;
    }

    static void assertClose(Tensor want, Tensor got, double rtol, double atol) {
        assertTrue(java.util.Arrays.equals(want.shape(), got.shape()), "shape " + java.util.Arrays.toString(got.shape())
                + " vs " + java.util.Arrays.toString(want.shape()));
        for (int i = 0; i < want.numel(); i++) {
            double w = want.getDouble(i);
            double g = got.getDouble(i);
            assertTrue(Math.abs(w - g) <= atol + rtol * Math.abs(w) || (Double.isNaN(w) && Double.isNaN(g)),
                    "element " + i + ": " + g + " vs " + w);
        }
    }

    static Tensor randn(Random rnd, long... shape) {
        Tensor t = Tensor.allocate(DataType.FLOAT, shape);
        for (int i = 0; i < t.numel(); i++) {
            t.setDouble(i, rnd.nextGaussian());
        }
        return t;
    }

    /** @return values in (lo, hi) */
    static Tensor uniform(Random rnd, double lo, double hi, long... shape) {
        Tensor t = Tensor.allocate(DataType.FLOAT, shape);
        for (int i = 0; i < t.numel(); i++) {
            t.setDouble(i, lo + (hi - lo) * rnd.nextDouble());
        }
        return t;
    }
}
