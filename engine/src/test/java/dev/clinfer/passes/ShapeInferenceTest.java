package dev.clinfer.passes;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Dim;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;
import dev.clinfer.ir.ValueInfo;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Shape inference on small hand-built graphs. */
class ShapeInferenceTest {
    private static final Dim B = Dim.symbol("batch");

    /** A tiny graph builder. */
    private static final class G {
        final List<Node> nodes = new ArrayList<>();
        final List<ValueInfo> inputs = new ArrayList<>();
        final Map<String, Tensor> inits = new LinkedHashMap<>();
        final Map<String, ValueInfo> declared = new HashMap<>();
        int opset = 13;

        G input(String name, DataType t, Dim... dims) {
            inputs.add(ValueInfo.tensor(name, t, Shape.of(List.of(dims))));
            return this;
        }

        G init(String name, Tensor t) {
            inits.put(name, t);
            return this;
        }

        G node(String op, List<String> in, List<String> out, Attribute... attrs) {
            Map<String, Attribute> m = new LinkedHashMap<>();
            for (Attribute a : attrs) {
                m.put(a.name(), a);
            }
            nodes.add(new Node(op + nodes.size(), op, "", in, out, m, opset));
            return this;
        }

        Map<String, ValueInfo> infer() {
            Graph g = new Graph("g", nodes, inputs, List.of(), inits, declared);
            return ShapeInference.infer(g);
        }
    }

    private static Attribute ints(String name, long... v) {
        return new Attribute(name, Attribute.Type.INTS, 0, 0, null, null, null, null, v, null, null, null);
    }

    private static Attribute i(String name, long v) {
        return new Attribute(name, Attribute.Type.INT, 0, v, null, null, null, null, null, null, null, null);
    }

    private static Attribute tensor(String name, Tensor t) {
        return new Attribute(name, Attribute.Type.TENSOR, 0, 0, null, t, null, null, null, null, null, null);
    }

    private static Shape shape(Object... dims) {
        List<Dim> l = new ArrayList<>();
        for (Object d : dims) {
            l.add(d instanceof Dim ? (Dim) d : d == null ? Dim.unknown() : Dim.of(((Number) d).longValue()));
        }
        return Shape.of(l);
    }

    private static Tensor w(long... shape) {
        return Tensor.allocate(DataType.FLOAT, shape);
    }

    @Test
    void symbolicBatchSurvivesConvReluPoolFlattenGemm() {
        G g = new G().input("x", DataType.FLOAT, B, Dim.of(3), Dim.of(224), Dim.of(224))
                .init("w", w(64, 3, 7, 7)).init("fc", w(10, 64)).init("bias", w(10));
        g.node("Conv", List.of("x", "w"), List.of("c"), ints("strides", 2, 2), ints("pads", 3, 3, 3, 3));
        g.node("Relu", List.of("c"), List.of("r"));
        g.node("MaxPool", List.of("r"), List.of("p"), ints("kernel_shape", 3, 3), ints("strides", 2, 2),
                ints("pads", 1, 1, 1, 1));
        g.node("GlobalAveragePool", List.of("p"), List.of("gp"));
        g.node("Flatten", List.of("gp"), List.of("f"));
        g.node("Gemm", List.of("f", "fc", "bias"), List.of("y"), i("transB", 1));
        Map<String, ValueInfo> m = g.infer();
        assertEquals(shape(B, 64, 112, 112), m.get("c").shape());
        assertEquals(DataType.FLOAT, m.get("c").type());
        assertEquals(shape(B, 64, 112, 112), m.get("r").shape());
        assertEquals(shape(B, 64, 56, 56), m.get("p").shape());
        assertEquals(shape(B, 64, 1, 1), m.get("gp").shape());
        assertEquals(shape(B, 64), m.get("f").shape());
        assertEquals(shape(B, 10), m.get("y").shape());
    }

    @Test
    void reshapeZeroCopiesAndMinusOneInfers() {
        G g = new G().input("x", DataType.FLOAT, B, Dim.of(8), Dim.of(16))
                .init("s1", Tensor.ofLongs(new long[] {0, -1, 4}, 3))
                .init("s2", Tensor.ofLongs(new long[] {-1, 128}, 2))
                .init("s3", Tensor.ofLongs(new long[] {-1, 16}, 2))
                .init("s4", Tensor.ofLongs(new long[] {2, 0, -1}, 3));
        g.node("Reshape", List.of("x", "s1"), List.of("a"));
        g.node("Reshape", List.of("x", "s2"), List.of("b"));
        g.node("Reshape", List.of("x", "s3"), List.of("c"));
        g.node("Reshape", List.of("x", "s4"), List.of("d"));
        Map<String, ValueInfo> m = g.infer();
        assertEquals(shape(B, 32, 4), m.get("a").shape());
        assertEquals(shape(B, 128), m.get("b").shape());
        assertEquals(shape(null, 16), m.get("c").shape()); // batch*8 has no name
        assertEquals(shape(2, 8, null), m.get("d").shape());
    }

    @Test
    void staticReshapeWithAllowZero() {
        G g = new G().input("x", DataType.INT64, Dim.of(0), Dim.of(3))
                .init("s", Tensor.ofLongs(new long[] {3, 0}, 2));
        g.opset = 14;
        g.node("Reshape", List.of("x", "s"), List.of("y"), i("allowzero", 1));
        assertEquals(shape(3, 0), g.infer().get("y").shape());
    }

    @Test
    void shapeGatherConcatReshapeKeepsBatchSymbolic() {
        G g = new G().input("x", DataType.FLOAT, B, Dim.of(12), Dim.of(64))
                .init("zero", Tensor.ofLongs(new long[] {0}))
                .init("tail", Tensor.ofLongs(new long[] {-1, 4, 16}, 3));
        g.node("Shape", List.of("x"), List.of("s"));
        g.node("Gather", List.of("s", "zero"), List.of("b"), i("axis", 0));
        g.node("Unsqueeze", List.of("b", "axes"), List.of("b1"));
        g.init("axes", Tensor.ofLongs(new long[] {0}, 1));
        g.node("Concat", List.of("b1", "tail"), List.of("target"), i("axis", 0));
        g.node("Reshape", List.of("x", "target"), List.of("y"));
        g.node("Transpose", List.of("y"), List.of("t"), ints("perm", 0, 2, 1, 3));
        Map<String, ValueInfo> m = g.infer();
        assertEquals(shape(3), m.get("s").shape());
        assertEquals(DataType.INT64, m.get("s").type());
        assertEquals(shape(), m.get("b").shape());
        assertEquals(shape(4), m.get("target").shape());
        assertEquals(shape(B, 12, 4, 16), m.get("y").shape());
        assertEquals(shape(B, 4, 12, 16), m.get("t").shape());
    }

    @Test
    void broadcastUnifiesSymbolsAndOnes() {
        Dim seq = Dim.symbol("seq");
        G g = new G().input("a", DataType.FLOAT, B, Dim.of(1), Dim.of(5)).input("b", DataType.FLOAT, Dim.of(3),
                Dim.of(1)).input("c", DataType.FLOAT, B).input("d", DataType.FLOAT, seq)
                .input("e", DataType.FLOAT, B, Dim.of(5));
        g.node("Add", List.of("a", "b"), List.of("ab"));
        g.node("Mul", List.of("c", "d"), List.of("cd"));
        g.node("Less", List.of("a", "e"), List.of("ae"));
        g.node("Where", List.of("ae", "a", "b"), List.of("w"));
        Map<String, ValueInfo> m = g.infer();
        assertEquals(shape(B, 3, 5), m.get("ab").shape());
        assertEquals(shape((Object) null), m.get("cd").shape());
        assertEquals(shape(B, B, 5), m.get("ae").shape());
        assertEquals(DataType.BOOL, m.get("ae").type());
        assertEquals(shape(B, 3, 5), m.get("w").shape()); // a known 3 wins over a symbol
        assertEquals(DataType.FLOAT, m.get("w").type());
    }

    @Test
    void reductionsSlicesAndSplits() {
        G g = new G().input("x", DataType.FLOAT, B, Dim.of(10), Dim.of(6))
                .init("starts", Tensor.ofLongs(new long[] {1, 0}, 2))
                .init("ends", Tensor.ofLongs(new long[] {Long.MAX_VALUE, -2}, 2))
                .init("axes", Tensor.ofLongs(new long[] {1, 2}, 2))
                .init("steps", Tensor.ofLongs(new long[] {2, 1}, 2))
                .init("split", Tensor.ofLongs(new long[] {4, 6}, 2))
                .init("raxes", Tensor.ofLongs(new long[] {-1}, 1));
        g.node("Slice", List.of("x", "starts", "ends", "axes", "steps"), List.of("s"));
        g.node("Split", List.of("x", "split"), List.of("p", "q"), i("axis", 1));
        g.node("ReduceSum", List.of("x", "raxes"), List.of("r"), i("keepdims", 0));
        g.node("ReduceMean", List.of("x"), List.of("rm"), ints("axes", 1));
        g.node("ArgMax", List.of("x"), List.of("am"), i("axis", 2), i("keepdims", 1));
        Map<String, ValueInfo> m = g.infer();
        assertEquals(shape(B, 5, 4), m.get("s").shape());
        assertEquals(shape(B, 4, 6), m.get("p").shape());
        assertEquals(shape(B, 6, 6), m.get("q").shape());
        assertEquals(shape(B, 10), m.get("r").shape());
        assertEquals(shape(B, 1, 6), m.get("rm").shape());
        assertEquals(shape(B, 10, 1), m.get("am").shape());
        assertEquals(DataType.INT64, m.get("am").type());
    }

    @Test
    void matmulGatherCastConstantOfShape() {
        Dim seq = Dim.symbol("seq");
        G g = new G().input("ids", DataType.INT64, B, seq).init("emb", w(100, 32)).init("wq", w(32, 8))
                .init("dims", Tensor.ofLongs(new long[] {2, 3}, 2));
        g.node("Gather", List.of("emb", "ids"), List.of("e"));
        g.node("MatMul", List.of("e", "wq"), List.of("q"));
        g.node("Cast", List.of("ids"), List.of("f"), i("to", DataType.FLOAT.onnxCode()));
        g.node("ConstantOfShape", List.of("dims"), List.of("z"),
                tensor("value", Tensor.ofLongs(new long[] {7}, 1)));
        g.node("Constant", List.of(), List.of("k"), tensor("value", Tensor.ofInts(new int[] {1, 2, 3, 4}, 2, 2)));
        Map<String, ValueInfo> m = g.infer();
        assertEquals(shape(B, seq, 32), m.get("e").shape());
        assertEquals(shape(B, seq, 8), m.get("q").shape());
        assertEquals(DataType.FLOAT, m.get("f").type());
        assertEquals(shape(2, 3), m.get("z").shape());
        assertEquals(DataType.INT64, m.get("z").type());
        assertEquals(shape(2, 2), m.get("k").shape());
        assertEquals(DataType.INT32, m.get("k").type());
    }

    @Test
    void resizeAndDataDependentOps() {
        G g = new G().input("x", DataType.FLOAT, B, Dim.of(3), Dim.of(20), Dim.of(30))
                .init("scales", Tensor.of(new float[] {1, 1, 2, 0.5f}, 4))
                .init("empty", Tensor.of(new float[0], 0));
        g.node("Resize", List.of("x", "empty", "scales"), List.of("r"), new Attribute("mode", Attribute.Type.STRING,
                0, 0, "nearest", null, null, null, null, null, null, null));
        g.node("NonZero", List.of("x"), List.of("nz"));
        g.node("Range", List.of("a", "b", "c"), List.of("rg"));
        Map<String, ValueInfo> m = g.infer();
        assertEquals(shape(B, 3, 40, 15), m.get("r").shape());
        assertEquals(shape(4, null), m.get("nz").shape());
        assertEquals(shape((Object) null), m.get("rg").shape());
    }

    @Test
    void unknownOpsAndBadInputsNeverThrow() {
        G g = new G().input("x", DataType.FLOAT, Dim.of(4)).init("w", w(2, 2, 3, 3));
        g.node("FancyCustomOp", List.of("x"), List.of("y", "z"));
        g.node("Conv", List.of("x", "w"), List.of("c")); // rank-1 input: malformed
        g.node("Relu", List.of("y"), List.of("r"));
        g.node("Transpose", List.of("x"), List.of("t"), ints("perm", 5, 7)); // bad perm
        Map<String, ValueInfo> m = g.infer();
        assertFalse(m.get("y").shape().hasRank());
        assertNull(m.get("y").type());
        assertFalse(m.get("r").shape().hasRank());
        assertFalse(m.get("t").shape().hasRank());
    }

    @Test
    void declaredInfosFillWhatRulesCannotTell() {
        G g = new G().input("x", DataType.FLOAT, Dim.of(4));
        g.node("FancyCustomOp", List.of("x"), List.of("y"));
        g.node("Relu", List.of("y"), List.of("r"));
        g.declared.put("y", ValueInfo.tensor("y", DataType.FLOAT, shape(2, B)));
        Map<String, ValueInfo> m = g.infer();
        assertEquals(shape(2, B), m.get("y").shape());
        assertEquals(shape(2, B), m.get("r").shape());
        assertEquals(DataType.FLOAT, m.get("r").type());
    }

    @Test
    void mergePrefersKnownDims() {
        ValueInfo inferred = ValueInfo.tensor("v", null, shape(B, null, 3));
        ValueInfo declared = ValueInfo.tensor("v", DataType.INT8, shape(5, 7, null));
        ValueInfo m = ShapeInference.merge(inferred, declared, "v");
        assertEquals(shape(5, 7, 3), m.shape());
        assertEquals(DataType.INT8, m.type());
    }
}
