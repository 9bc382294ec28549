package dev.clinfer.ops;

import static dev.clinfer.ops.ControlFlowTestSupport.graph;
import static dev.clinfer.ops.ControlFlowTestSupport.i;
import static dev.clinfer.ops.ControlFlowTestSupport.ints;
import static dev.clinfer.ops.ControlFlowTestSupport.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.cpu.BufferPool;
import dev.clinfer.cpu.ComputePool;
import dev.clinfer.cpu.ExecutionPlan;
import dev.clinfer.cpu.Interpreter;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;
import dev.clinfer.ir.ValueInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * If, Loop and Scan run through the real interpreter (subgraphs, outer-scope names, pooled
 * buffers), with a registry holding them plus tiny test-local Add/Less/Identity kernels.
 */
class ControlFlowOpsTest {
    private static final OpRegistry REG = new OpRegistry();

    static {
        ControlFlowOps.register(REG);
        REG.register("Identity", (n, in, ctx) -> new Tensor[] {in[0]});
        REG.register("Add", (n, in, ctx) -> {
            // Same-shape or scalar-right add, enough for these graphs.
            Tensor o = ctx.allocate(in[0].dataType(), in[0].shape());
            for (int k = 0; k < o.numel(); k++) {
                o.setDouble(k, in[0].getDouble(k) + in[1].getDouble(in[1].numel() == 1 ? 0 : k));
            }
            return new Tensor[] {o};
        });
        REG.register("Less", (n, in, ctx) -> new Tensor[] {
            Tensor.ofBooleans(new boolean[] {in[0].getDouble(0) < in[1].getDouble(0)})});
    }

    private static ValueInfo v(String name) {
        return new ValueInfo(name, null, Shape.unknownRank(), "tensor");
    }

    private static ValueInfo v(String name, DataType t, long... dims) {
        return ValueInfo.tensor(name, t, Shape.of(dims));
    }

    private static Graph g(String name, List<Node> nodes, List<ValueInfo> in, List<ValueInfo> out) {
        return new Graph(name, nodes, in, out, Map.of(), Map.of());
    }

    private static Tensor[] run(Graph main, Tensor... inputs) {
        try (ComputePool pool = new ComputePool(2)) {
            return new Interpreter(pool, new BufferPool(1 << 20)).run(new ExecutionPlan(main, REG), inputs);
        }
    }

    private static float[] f(Tensor t) {
        return t.toFloatArray();
    }

    @Test
    void ifPicksBranchAndReadsOuterValues() {
        Graph then = g("then", List.of(node("Identity", 13, List.of("a"), List.of("t"))), List.of(), List.of(v("t")));
        Graph other = g("else", List.of(node("Add", 13, List.of("a", "a"), List.of("e"))), List.of(), List.of(v("e")));
        Graph main = g("main", List.of(node("If", 13, List.of("c"), List.of("y"), graph("then_branch", then),
                graph("else_branch", other))), List.of(v("c"), v("a")), List.of(v("y")));
        Tensor a = Tensor.of(new float[] {1, 2, 3}, 3);
        assertArrayEquals(new float[] {1, 2, 3}, f(run(main, Tensor.ofBooleans(new boolean[] {true}), a)[0]));
        assertArrayEquals(new float[] {2, 4, 6}, f(run(main, Tensor.ofBooleans(new boolean[] {false}), a)[0]));
    }

    /** Body: x' = x + step (outer value), cond' = i < limit (outer value), scan = x'. */
    private static Graph loopMain(boolean withTrips, boolean withCond) {
        Graph body = g("body", List.of(
                node("Add", 13, List.of("x", "step"), List.of("x2")),
                node("Less", 13, List.of("i", "limit"), List.of("c2")),
                node("Identity", 13, List.of("x2"), List.of("s"))),
                List.of(v("i"), v("c"), v("x")), List.of(v("c2"), v("x2"), v("s", DataType.FLOAT, 100)));
        return g("main", List.of(node("Loop", 13, List.of(withTrips ? "M" : "", withCond ? "C" : "", "x0"),
                List.of("xf", "scan"), graph("body", body))),
                List.of(v("M"), v("C"), v("x0"), v("step"), v("limit")), List.of(v("xf"), v("scan")));
    }

    private static Tensor[] runLoop(boolean withTrips, boolean withCond, long trips, float limit) {
        float[] x0 = new float[100];
        x0[0] = 1;
        return run(loopMain(withTrips, withCond), Tensor.scalar(trips), Tensor.ofBooleans(new boolean[] {true}),
                Tensor.of(x0, 100), Tensor.scalar(2f), Tensor.scalar(limit));
    }

    @Test
    void loopStopsAtTripCountAndStacksScanOutputs() {
        Tensor[] out = runLoop(true, true, 3, 100);
        assertArrayEquals(new long[] {100}, out[0].shape());
        assertArrayEquals(new long[] {3, 100}, out[1].shape());
        float[] s = f(out[1]);
        for (int it = 0; it < 3; it++) {
            // After iteration it, x[0] = 1 + 2 (it + 1), x[k>0] = 2 (it + 1).
            org.junit.jupiter.api.Assertions.assertEquals(1 + 2 * (it + 1), s[it * 100], 0);
            org.junit.jupiter.api.Assertions.assertEquals(2 * (it + 1), s[it * 100 + 7], 0);
        }
        org.junit.jupiter.api.Assertions.assertEquals(7, f(out[0])[0], 0);
    }

    @Test
    void loopStopsWhenBodyConditionTurnsFalse() {
        // cond' = i < 1 is true after iteration 0, false after iteration 1: two iterations.
        Tensor[] out = runLoop(false, true, 0, 1);
        org.junit.jupiter.api.Assertions.assertEquals(5, f(out[0])[0], 0);
        assertArrayEquals(new long[] {2, 100}, out[1].shape());
    }

    @Test
    void loopWithoutConditionInputIgnoresBodyCondition() {
        Tensor[] out = runLoop(true, false, 4, -1);
        org.junit.jupiter.api.Assertions.assertEquals(9, f(out[0])[0], 0);
    }

    @Test
    void loopOfZeroIterationsUsesDeclaredScanShape() {
        Tensor[] out = runLoop(true, true, 0, 100);
        org.junit.jupiter.api.Assertions.assertEquals(1, f(out[0])[0], 0);
        assertArrayEquals(new long[] {0, 100}, out[1].shape());
    }

    /** Body: sum' = sum + x; y = sum'. */
    private static Graph sumBody() {
        return g("body", List.of(node("Add", 9, List.of("sum", "x"), List.of("sum2")),
                node("Identity", 9, List.of("sum2"), List.of("y"))),
                List.of(v("sum"), v("x")), List.of(v("sum2"), v("y")));
    }

    @Test
    void scan9WithAxesAndDirections() {
        // X [2, 3] scanned along axis 1 in reverse: slices are columns 2, 1, 0.
        Graph main = g("main", List.of(node("Scan", 11, List.of("s0", "X"), List.of("sf", "ys"), graph("body", sumBody()),
                i("num_scan_inputs", 1), ints("scan_input_axes", -1), ints("scan_input_directions", 1),
                ints("scan_output_axes", 1), ints("scan_output_directions", 1))),
                List.of(v("s0"), v("X")), List.of(v("sf"), v("ys")));
        Tensor[] out = run(main, Tensor.of(new float[] {0, 10}, 2), Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        assertArrayEquals(new float[] {6, 25}, f(out[0]));
        // Running sums per step: [3, 16], [5, 21], [6, 25]; stacked on axis 1 in reverse order.
        assertArrayEquals(new long[] {2, 3}, out[1].shape());
        assertArrayEquals(new float[] {6, 5, 3, 25, 21, 16}, f(out[1]));
    }

    @Test
    void scan8WithBatchAndSequenceLengths() {
        Graph main = g("main", List.of(node("Scan", 8, List.of("L", "s0", "X"), List.of("sf", "ys"),
                graph("body", sumBody()), i("num_scan_inputs", 1))),
                List.of(v("L"), v("s0"), v("X")), List.of(v("sf"), v("ys")));
        // batch 2, seq 3, element [1]; row 1 only scans 2 steps.
        Tensor[] out = run(main, Tensor.ofLongs(new long[] {3, 2}, 2), Tensor.of(new float[] {0, 100}, 2, 1),
                Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3, 1));
        assertArrayEquals(new float[] {6, 109}, f(out[0]));
        assertArrayEquals(new long[] {2, 3, 1}, out[1].shape());
        assertArrayEquals(new float[] {1, 3, 6, 104, 109, 0}, f(out[1]));
    }
}
