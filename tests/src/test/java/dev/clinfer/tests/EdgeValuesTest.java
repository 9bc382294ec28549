package dev.clinfer.tests;

import dev.clinfer.api.ClinferException;
import dev.clinfer.api.Result;
import dev.clinfer.api.Session;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import dev.clinfer.onnx.proto.Onnx.AttributeProto;
import dev.clinfer.onnx.proto.Onnx.GraphProto;
import dev.clinfer.onnx.proto.Onnx.ModelProto;
import dev.clinfer.onnx.proto.Onnx.NodeProto;
import dev.clinfer.onnx.proto.Onnx.OperatorSetIdProto;
import dev.clinfer.onnx.proto.Onnx.TensorProto;
import dev.clinfer.onnx.proto.Onnx.TypeProto;
import dev.clinfer.onnx.proto.Onnx.ValueInfoProto;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Edge values on each lane (the Java path, and the OpenCL CPU device through JOCL when there is one):
 * zero-sized dims give correctly shaped (and where the result has elements, correct) outputs, and
 * NaN/Inf propagate as IEEE 754 and numpy (the ONNX reference) say. Expected values are written here
 * by hand. Each single-node model is built in the test from ONNX protos (opset 13).
 */
class EdgeValuesTest {
    private static final float NAN = Float.NaN;
    private static final float INF = Float.POSITIVE_INFINITY;

    private static SessionOptions lane(String name) {
        if (name.equals("java")) {
            return new SessionOptions().device("java");
        }
        String why = TestData.openClUnavailableReason("jocl");
        TestData.requireOrSkip(why == null, "an OpenCL CPU device (" + why + ")");
        return new SessionOptions().device("opencl-cpu").binding("jocl");
    }

    /** A one-node model: inputs x0, x1, ... (float32, any shape), output y. */
    private static byte[] model(String op, int inputs, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName("n0").addOutput("y");
        GraphProto.Builder g = GraphProto.newBuilder().setName("g");
        for (int i = 0; i < inputs; i++) {
            n.addInput("x" + i);
            g.addInput(ValueInfoProto.newBuilder().setName("x" + i).setType(TypeProto.newBuilder()
                    .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1))));
        }
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        g.addNode(n).addOutput(ValueInfoProto.newBuilder().setName("y"));
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(g).build().toByteArray();
    }

    /** Same, with an int64 initializer named {@code name} as the last input. */
    private static byte[] modelWithInts(String op, int inputs, String name, long[] values, AttributeProto... attrs) {
        try {
            ModelProto.Builder m = ModelProto.parseFrom(model(op, inputs, attrs)).toBuilder();
            GraphProto.Builder g = m.getGraphBuilder();
            TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(7).addDims(values.length);
            for (long v : values) {
                t.addInt64Data(v);
            }
            g.addInitializer(t);
            g.getNodeBuilder(0).addInput(name);
            return m.build().toByteArray();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static Tensor run(String lane, byte[] model, Tensor... xs) {
        try (Session s = Session.create(model, lane(lane))) {
            Map<String, Tensor> feed = new LinkedHashMap<>();
            for (int i = 0; i < xs.length; i++) {
                feed.put("x" + i, xs[i]);
            }
            try (Result r = s.run(feed)) {
                Tensor y = r.iterator().next().getValue();
                return Tensor.of(y.toFloatArray(), y.shape()); // a copy that outlives the result
            }
        }
    }

    private static Tensor t(long[] shape, float... v) {
        return Tensor.of(v, shape);
    }

    private static void assertTensor(long[] shape, float[] expected, Tensor actual, String what) {
        assertArrayEquals(shape, actual.shape(), what + ": shape");
        float[] a = actual.toFloatArray();
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < expected.length; i++) {
            boolean same = Float.isNaN(expected[i]) ? Float.isNaN(a[i]) : Float.compare(expected[i], a[i]) == 0
                    || Math.abs(expected[i] - a[i]) <= 1e-6f * Math.max(1f, Math.abs(expected[i]));
            if (!same) {
                bad.add("[" + i + "] expected " + expected[i] + " got " + a[i]);
            }
        }
        assertTrue(bad.isEmpty(), what + ": " + bad + " (all: " + Arrays.toString(a) + ")");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "opencl"})
    void zeroSizedAdd(String lane) {
        Tensor y = run(lane, model("Add", 2), t(new long[] {0, 3}), t(new long[] {1, 3}, 1, 2, 3));
        assertTensor(new long[] {0, 3}, new float[0], y, "Add [0,3]+[1,3]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "opencl"})
    void zeroSizedMatMul(String lane) {
        // An empty inner dim sums nothing: the product is all zeros, not garbage.
        Tensor y = run(lane, model("MatMul", 2), t(new long[] {2, 0}), t(new long[] {0, 3}));
        assertTensor(new long[] {2, 3}, new float[6], y, "MatMul [2,0]x[0,3]");
        Tensor rows = run(lane, model("MatMul", 2), t(new long[] {0, 2}), t(new long[] {2, 3}, 1, 2, 3, 4, 5, 6));
        assertTensor(new long[] {0, 3}, new float[0], rows, "MatMul [0,2]x[2,3]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "opencl"})
    void zeroSizedConcat(String lane) {
        Tensor y = run(lane, model("Concat", 2, intAttr("axis", 0)), t(new long[] {0, 3}),
                t(new long[] {2, 3}, 1, 2, 3, 4, 5, 6));
        assertTensor(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}, y, "Concat [0,3],[2,3]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "opencl"})
    void zeroSizedReduceSum(String lane) {
        Tensor y = run(lane, modelWithInts("ReduceSum", 1, "axes", new long[] {0}, intAttr("keepdims", 0)),
                t(new long[] {0, 3}));
        assertTensor(new long[] {3}, new float[3], y, "ReduceSum over an empty axis");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "opencl"})
    void zeroSizedConvBatch(String lane) {
        float[] w = new float[2 * 9];
        Arrays.fill(w, 1f);
        Tensor y = run(lane, model("Conv", 2), t(new long[] {0, 1, 4, 4}), t(new long[] {2, 1, 3, 3}, w));
        assertTensor(new long[] {0, 2, 2, 2}, new float[0], y, "Conv on an empty batch");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "opencl"})
    void reluPropagatesNaN(String lane) {
        Tensor y = run(lane, model("Relu", 1), t(new long[] {4}, NAN, -INF, INF, -1f));
        assertTensor(new long[] {4}, new float[] {NAN, 0f, INF, 0f}, y, "Relu");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "opencl"})
    void maxAndMinPropagateNaN(String lane) {
        // numpy.maximum/minimum (the ONNX reference) return NaN when either operand is NaN.
        Tensor a = t(new long[] {3}, NAN, 1f, -INF);
        Tensor b = t(new long[] {3}, 1f, NAN, INF);
        assertTensor(new long[] {3}, new float[] {NAN, NAN, INF}, run(lane, model("Max", 2), a, b), "Max");
        assertTensor(new long[] {3}, new float[] {NAN, NAN, -INF}, run(lane, model("Min", 2), a, b), "Min");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "opencl"})
    void addOfInfinities(String lane) {
        Tensor y = run(lane, model("Add", 2), t(new long[] {3}, INF, INF, NAN), t(new long[] {3}, -INF, 1f, 0f));
        assertTensor(new long[] {3}, new float[] {NAN, INF, NAN}, y, "Add");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "opencl"})
    void softmaxWithInfinities(String lane) {
        // Row 0: -Inf takes no mass. Row 1: a NaN poisons its row. Row 2: the reference subtracts the max,
        // +Inf - +Inf = NaN, so the sum and then the whole row are NaN (numpy gives [nan, nan]).
        Tensor x = t(new long[] {3, 2}, -INF, 0f, NAN, 1f, INF, 1f);
        Tensor y = run(lane, model("Softmax", 1, intAttr("axis", 1)), x);
        assertTensor(new long[] {3, 2}, new float[] {0f, 1f, NAN, NAN, NAN, NAN}, y, "Softmax");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "opencl"})
    void reduceMaxPropagatesNaN(String lane) {
        // numpy.max propagates NaN; rows without NaN keep their max.
        Tensor y = run(lane, model("ReduceMax", 1, intAttr("keepdims", 0),
                AttributeProto.newBuilder().setName("axes").setType(AttributeProto.AttributeType.INTS).addInts(1).build()),
                t(new long[] {2, 2}, 1f, NAN, -INF, -1f));
        assertTensor(new long[] {2}, new float[] {NAN, -1f}, y, "ReduceMax");
    }

    /**
     * A result too large for one buffer (30000 x 30000 float32 = 3.6 GB, over the 2 GB of a direct
     * buffer and PoCL's CL_DEVICE_MAX_MEM_ALLOC_SIZE) is a clear ClinferException, and the session
     * still serves the next request.
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "opencl"})
    void anOversizeResultIsAClearErrorAndTheSessionStaysUsable(String lane) {
        try (Session s = Session.create(model("MatMul", 2), lane(lane))) {
            Tensor a = Tensor.allocate(dev.clinfer.api.DataType.FLOAT, 30000, 1);
            Tensor b = Tensor.allocate(dev.clinfer.api.DataType.FLOAT, 1, 30000);
            dev.clinfer.api.ClinferException e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.clinfer.api.ClinferException.class, () -> s.run(Map.of("x0", a, "x1", b)).close());
            assertTrue(e.getMessage() != null && e.getMessage().contains("bytes"), String.valueOf(e));
            try (Result r = s.run(Map.of("x0", t(new long[] {1, 1}, 2f), "x1", t(new long[] {1, 1}, 3f)))) {
                assertTensor(new long[] {1, 1}, new float[] {6f}, r.get("y"), lane + " after the failure");
            }
        }
    }
}
