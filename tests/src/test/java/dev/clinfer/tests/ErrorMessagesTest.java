package dev.clinfer.tests;

import dev.clinfer.api.ClinferException;
import dev.clinfer.api.ModelFormatException;
import dev.clinfer.api.Session;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import dev.clinfer.api.UnsupportedOperatorException;
import dev.clinfer.onnx.proto.Onnx.GraphProto;
import dev.clinfer.onnx.proto.Onnx.ModelProto;
import dev.clinfer.onnx.proto.Onnx.NodeProto;
import dev.clinfer.onnx.proto.Onnx.OperatorSetIdProto;
import dev.clinfer.onnx.proto.Onnx.TensorProto;
import dev.clinfer.onnx.proto.Onnx.TensorShapeProto;
import dev.clinfer.onnx.proto.Onnx.TypeProto;
import dev.clinfer.onnx.proto.Onnx.ValueInfoProto;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a user reads when a model cannot run: handmade models with one defect each, and checks that
 * the exception has the right type and that its message names what is needed to find the defect.
 * A defect may be reported when loading or at the first run; both are accepted.
 */
class ErrorMessagesTest {
    private static final int CUSTOM_OPSET = 3;

    private static ValueInfoProto floatValue(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
                .build();
    }

    private static OperatorSetIdProto opset(String domain, long version) {
        return OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version).build();
    }

    /** A model X[2,3] -> node -> Y[2,3] with the given node and opset imports. */
    private static byte[] model(NodeProto node, OperatorSetIdProto... opsets) {
        GraphProto graph = GraphProto.newBuilder().setName("handmade")
                .addInput(floatValue("X", 2, 3))
                .addNode(node)
                .addOutput(floatValue("Y", 2, 3))
                .build();
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(8).setProducerName("clinfer-tests").setGraph(graph);
        for (OperatorSetIdProto o : opsets) {
            m.addOpsetImport(o);
        }
        return m.build().toByteArray();
    }

    /** Loads and runs once; the exception may come from either step. */
    private static void loadAndRun(byte[] model) {
        try (Session s = Session.create(model, new SessionOptions().device("java"))) {
            s.run(Map.of("X", Tensor.of(new float[6], 2, 3))).close();
        }
    }

    private static void assertMentions(String message, String what, String needle) {
        assertTrue(message.contains(needle), "message should name the " + what + " ('" + needle + "'): " + message);
    }

    @Test
    void unknownOperatorNamesOpDomainOpsetAndNode() {
        NodeProto foo = NodeProto.newBuilder().setName("my_foo_node").setOpType("FooBar").setDomain("com.example")
                .addInput("X").addOutput("Y").build();
        byte[] bytes = model(foo, opset("", 17), opset("com.example", CUSTOM_OPSET));
        UnsupportedOperatorException e = assertThrows(UnsupportedOperatorException.class, () -> loadAndRun(bytes));
        String m = e.getMessage();
        assertMentions(m, "op type", "FooBar");
        assertMentions(m, "domain", "com.example");
        assertMentions(m, "node", "my_foo_node");
        assertTrue(Pattern.compile("(?i)opset\\D{0,12}" + CUSTOM_OPSET + "\\b").matcher(m).find(),
                "message should name the opset of domain com.example (" + CUSTOM_OPSET + "): " + m);
    }

    @Test
    void readingAnUndefinedValueIsAModelFormatError() {
        NodeProto relu = NodeProto.newBuilder().setName("reads_ghost").setOpType("Relu")
                .addInput("ghost_value").addOutput("Y").build();
        byte[] bytes = model(relu, opset("", 17));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> loadAndRun(bytes));
        String m = e.getMessage();
        assertMentions(m, "undefined value", "ghost_value");
        assertMentions(m, "node that reads it", "reads_ghost");
    }

    @Test
    void nodeOfAnUnimportedDomainIsAModelFormatError() {
        NodeProto foo = NodeProto.newBuilder().setName("orphan").setOpType("FooBar").setDomain("com.example")
                .addInput("X").addOutput("Y").build();
        byte[] bytes = model(foo, opset("", 17));
        ClinferException e = assertThrows(ModelFormatException.class, () -> loadAndRun(bytes));
        assertMentions(e.getMessage(), "domain", "com.example");
        assertMentions(e.getMessage(), "node", "orphan");
    }
}
