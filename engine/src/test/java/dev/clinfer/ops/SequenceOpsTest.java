package dev.clinfer.ops;

import static dev.clinfer.ops.ControlFlowTestSupport.CTX;
import static dev.clinfer.ops.ControlFlowTestSupport.graph;
import static dev.clinfer.ops.ControlFlowTestSupport.i;
import static dev.clinfer.ops.ControlFlowTestSupport.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.cpu.BufferPool;
import dev.clinfer.cpu.ComputePool;
import dev.clinfer.cpu.ExecutionPlan;
import dev.clinfer.cpu.Interpreter;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;
import dev.clinfer.ir.ValueInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sequence and optional operators against hand-computed values. */
class SequenceOpsTest {
    private static final OpRegistry REG = new OpRegistry();

    static {
        SequenceOps.register(REG);
        ControlFlowOps.register(REG);
        REG.register("Identity", (n, in, ctx) -> new Tensor[] {in[0]});
        REG.register("Add", (n, in, ctx) -> {
            Tensor o = ctx.allocate(in[0].dataType(), in[0].shape());
            for (int k = 0; k < o.numel(); k++) {
                o.setDouble(k, in[0].getDouble(k) + in[1].getDouble(k));
            }
            return new Tensor[] {o};
        });
        REG.register("Neg", (n, in, ctx) -> {
            Tensor o = ctx.allocate(in[0].dataType(), in[0].shape());
            for (int k = 0; k < o.numel(); k++) {
                o.setDouble(k, -in[0].getDouble(k));
            }
            return new Tensor[] {o};
        });
    }

    private static Tensor[] run(String op, int outputs, Tensor[] in, Attribute... attrs) {
        List<String> ins = new ArrayList<>();
        for (int k = 0; k < in.length; k++) {
            ins.add(in[k] == null ? "" : "x" + k);
        }
        List<String> outs = new ArrayList<>();
        for (int k = 0; k < outputs; k++) {
            outs.add("y" + k);
        }
        Node n = node(op, 17, ins, outs, attrs);
        return REG.find("", op).run(n, in, CTX);
    }

    private static Tensor one(String op, Tensor[] in, Attribute... attrs) {
        return run(op, 1, in, attrs)[0];
    }

    private static Tensor vec(float... v) {
        return Tensor.of(v, v.length);
    }

    private static Tensor seq(Tensor... items) {
        return Tensor.sequence(items[0].dataType(), List.of(items));
    }

    private static float[] f(Tensor t) {
        return t.toFloatArray();
    }

    @Test
    void emptyConstructLength() {
        Tensor e = one("SequenceEmpty", new Tensor[0], i("dtype", DataType.INT64.onnxCode()));
        assertEquals(DataType.SEQUENCE, e.dataType());
        assertEquals(DataType.INT64, e.elementType());
        assertEquals(0, e.items().size());
        assertEquals(DataType.FLOAT, one("SequenceEmpty", new Tensor[0]).elementType());
        Tensor s = one("SequenceConstruct", new Tensor[] {vec(1), vec(2, 3), vec(4, 5, 6)});
        assertArrayEquals(new long[] {3}, s.shape());
        assertEquals(3L, one("SequenceLength", new Tensor[] {s}).getLong(0));
        assertEquals(0, one("SequenceLength", new Tensor[] {e}).rank());
        assertThrows(InvalidInputException.class,
                () -> one("SequenceConstruct", new Tensor[] {vec(1), Tensor.ofLongs(new long[] {1}, 1)}));
    }

    @Test
    void insertAtEraseWithPositions() {
        Tensor a = vec(1);
        Tensor b = vec(2);
        Tensor c = vec(3);
        Tensor s = seq(a, b);
        // Default position appends; 0 inserts at the front; -1 goes before the last item.
        Tensor back = one("SequenceInsert", new Tensor[] {s, c});
        assertEquals(List.of(a, b, c), back.items());
        Tensor front = one("SequenceInsert", new Tensor[] {s, c, Tensor.scalar(0L)});
        assertEquals(List.of(c, a, b), front.items());
        Tensor mid = one("SequenceInsert", new Tensor[] {s, c, Tensor.ofInts(new int[] {-1})});
        assertEquals(List.of(a, c, b), mid.items());
        Tensor end = one("SequenceInsert", new Tensor[] {s, c, Tensor.scalar(2L)});
        assertEquals(List.of(a, b, c), end.items());
        assertEquals(2, s.items().size(), "the input sequence is unchanged");
        assertThrows(InvalidInputException.class, () -> one("SequenceInsert", new Tensor[] {s, c, Tensor.scalar(3L)}));
        assertThrows(InvalidInputException.class,
                () -> one("SequenceInsert", new Tensor[] {s, Tensor.ofLongs(new long[] {1}, 1)}));

        assertSame(b, one("SequenceAt", new Tensor[] {back, Tensor.scalar(1L)}));
        assertSame(c, one("SequenceAt", new Tensor[] {back, Tensor.scalar(-1L)}));
        assertThrows(InvalidInputException.class, () -> one("SequenceAt", new Tensor[] {back, Tensor.scalar(3L)}));

        assertEquals(List.of(a, b), one("SequenceErase", new Tensor[] {back}).items());
        assertEquals(List.of(b, c), one("SequenceErase", new Tensor[] {back, Tensor.scalar(-3L)}).items());
        assertEquals(List.of(a, c), one("SequenceErase", new Tensor[] {back, Tensor.scalar(1L)}).items());
    }

    @Test
    void insertIntoEmptySequenceOfUnknownType() {
        Tensor empty = Tensor.sequence(null, List.of());
        Tensor s = one("SequenceInsert", new Tensor[] {empty, Tensor.ofLongs(new long[] {7}, 1)});
        assertEquals(DataType.INT64, s.elementType());
    }

    @Test
    void splitToSequence() {
        // x = [[1,2,3],[4,5,6]]
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor cols = one("SplitToSequence", new Tensor[] {x}, i("axis", 1));
        assertEquals(3, cols.items().size());
        assertArrayEquals(new long[] {2, 1}, cols.items().get(1).shape());
        assertArrayEquals(new float[] {2, 5}, f(cols.items().get(1)));
        Tensor squeezed = one("SplitToSequence", new Tensor[] {x}, i("axis", 0), i("keepdims", 0));
        assertArrayEquals(new long[] {3}, squeezed.items().get(1).shape());
        assertArrayEquals(new float[] {4, 5, 6}, f(squeezed.items().get(1)));
        // Scalar split 2 on a dim of 3: pieces of 2 and 1.
        Tensor chunks = one("SplitToSequence", new Tensor[] {x, Tensor.scalar(2L)}, i("axis", -1));
        assertArrayEquals(new float[] {1, 2, 4, 5}, f(chunks.items().get(0)));
        assertArrayEquals(new float[] {3, 6}, f(chunks.items().get(1)));
        Tensor lengths = one("SplitToSequence", new Tensor[] {x, Tensor.ofLongs(new long[] {1, 0, 2}, 3)},
                i("axis", 1), i("keepdims", 0));
        assertArrayEquals(new long[] {2, 0}, lengths.items().get(1).shape(), "keepdims is ignored with split");
        assertArrayEquals(new float[] {2, 3, 5, 6}, f(lengths.items().get(2)));
        assertThrows(InvalidInputException.class,
                () -> one("SplitToSequence", new Tensor[] {x, Tensor.ofLongs(new long[] {1, 1}, 2)}, i("axis", 1)));
    }

    @Test
    void concatFromSequence() {
        Tensor a = Tensor.of(new float[] {1, 2}, 1, 2);
        Tensor b = Tensor.of(new float[] {3, 4, 5, 6}, 2, 2);
        Tensor cat = one("ConcatFromSequence", new Tensor[] {seq(a, b)}, i("axis", 0));
        assertArrayEquals(new long[] {3, 2}, cat.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, f(cat));
        Tensor c = Tensor.of(new float[] {7, 8}, 1, 2);
        // Stack along a new last axis: out[0, j, k] = item k [0, j].
        Tensor st = one("ConcatFromSequence", new Tensor[] {seq(a, c)}, i("axis", -1), i("new_axis", 1));
        assertArrayEquals(new long[] {1, 2, 2}, st.shape());
        assertArrayEquals(new float[] {1, 7, 2, 8}, f(st));
        Tensor st0 = one("ConcatFromSequence", new Tensor[] {seq(a, c)}, i("axis", 0), i("new_axis", 1));
        assertArrayEquals(new long[] {2, 1, 2}, st0.shape());
        assertArrayEquals(new float[] {1, 2, 7, 8}, f(st0));
        assertThrows(InvalidInputException.class,
                () -> one("ConcatFromSequence", new Tensor[] {seq(a, b)}, i("axis", 1)));
    }

    @Test
    void optionals() {
        Tensor v = vec(1, 2);
        Tensor o = one("Optional", new Tensor[] {v});
        assertEquals(DataType.OPTIONAL, o.dataType());
        assertFalse(o.isNone());
        Tensor none = one("Optional", new Tensor[0]);
        assertTrue(none.isNone());
        assertTrue(one("OptionalHasElement", new Tensor[] {o}).getBoolean(0));
        assertFalse(one("OptionalHasElement", new Tensor[] {none}).getBoolean(0));
        assertFalse(one("OptionalHasElement", new Tensor[] {null}).getBoolean(0));
        assertTrue(one("OptionalHasElement", new Tensor[] {v}).getBoolean(0));
        assertSame(v, one("OptionalGetElement", new Tensor[] {o}));
        assertSame(v, one("OptionalGetElement", new Tensor[] {v}));
        assertThrows(InvalidInputException.class, () -> one("OptionalGetElement", new Tensor[] {none}));
        Tensor s = seq(v);
        Tensor os = one("Optional", new Tensor[] {s});
        assertEquals(DataType.SEQUENCE, os.elementType());
        assertSame(s, one("OptionalGetElement", new Tensor[] {os}));
    }

    private static ValueInfo val(String name) {
        return new ValueInfo(name, null, Shape.unknownRank(), "tensor");
    }

    private static ValueInfo seqVal(String name) {
        return new ValueInfo(name, null, Shape.unknownRank(), "sequence");
    }

    private static Tensor[] runGraph(Graph main, Tensor... inputs) {
        try (ComputePool pool = new ComputePool(2)) {
            return new Interpreter(pool, new BufferPool(1 << 20)).run(new ExecutionPlan(main, REG), inputs);
        }
    }

    @Test
    void sequenceMapRunsTheBodyPerItem() {
        // body(a, b) = (a + b, a): a from the sequence, b the same tensor every time.
        Graph body = new Graph("body", List.of(node("Add", 17, List.of("a", "b"), List.of("s"))),
                List.of(val("a"), val("b")), List.of(val("s"), val("a")), Map.of(), Map.of());
        Graph main = new Graph("main", List.of(node("SequenceMap", 17, List.of("xs", "t"), List.of("ys", "zs"),
                graph("body", body))), List.of(seqVal("xs"), val("t")), List.of(seqVal("ys"), seqVal("zs")),
                Map.of(), Map.of());
        Tensor x0 = vec(1, 2);
        Tensor x1 = vec(10, 20);
        Tensor[] out = runGraph(main, seq(x0, x1), vec(100, 200));
        assertEquals(2, out[0].items().size());
        assertArrayEquals(new float[] {101, 202}, f(out[0].items().get(0)));
        assertArrayEquals(new float[] {110, 220}, f(out[0].items().get(1)));
        assertEquals(List.of(x0, x1), out[1].items());
        Tensor[] empty = runGraph(main, Tensor.sequence(DataType.FLOAT, List.of()), vec(1, 2));
        assertEquals(0, empty[0].items().size());
    }

    /**
     * Items of a sequence must survive their producers' slots being freed: with a buffer pool, a
     * recycled buffer would otherwise be overwritten by a later node.
     */
    @Test
    void sequenceItemsAreNotRecycledByThePool() {
        // a = -x, b = -a, s = [a, b], c = b + b and d = c + c would land in a's and b's buffers
        // if those were recycled once their slots are freed; r = [a, b, d].
        List<Node> nodes = List.of(
                node("Neg", 17, List.of("x"), List.of("a")),
                node("Neg", 17, List.of("a"), List.of("b")),
                node("SequenceConstruct", 17, List.of("a", "b"), List.of("s")),
                node("Add", 17, List.of("b", "b"), List.of("c")),
                node("Add", 17, List.of("c", "c"), List.of("d")),
                node("SequenceInsert", 17, List.of("s", "d"), List.of("r")));
        Graph main = new Graph("main", nodes, List.of(val("x")), List.of(seqVal("r")), Map.of(), Map.of());
        float[] x = new float[128];
        for (int k = 0; k < x.length; k++) {
            x[k] = k + 1;
        }
        Tensor[] out = runGraph(main, Tensor.of(x, x.length));
        List<Tensor> items = out[0].items();
        assertEquals(3, items.size());
        for (int k = 0; k < x.length; k++) {
            assertEquals(-x[k], items.get(0).floats().get(k));
            assertEquals(x[k], items.get(1).floats().get(k));
            assertEquals(4 * x[k], items.get(2).floats().get(k));
        }
    }

    @Test
    void loopCarriesASequence() {
        // body(i, cond, s) = (cond, SequenceInsert(s, t)) with t an outer tensor: n trips give n items.
        Graph body = new Graph("body", List.of(
                node("Identity", 16, List.of("c_in"), List.of("c_out")),
                node("SequenceInsert", 16, List.of("s_in", "t"), List.of("s_out"))),
                List.of(val("i"), val("c_in"), seqVal("s_in")), List.of(val("c_out"), seqVal("s_out")),
                Map.of(), Map.of());
        Graph main = new Graph("main", List.of(
                node("SequenceEmpty", 16, List.of(), List.of("e")),
                node("Loop", 16, List.of("n", "", "e"), List.of("r"), graph("body", body))),
                List.of(val("n"), val("t")), List.of(seqVal("r")), Map.of(), Map.of());
        Tensor t = vec(5);
        Tensor[] out = runGraph(main, Tensor.scalar(3L), t);
        assertEquals(List.of(t, t, t), out[0].items());
    }
}
