package dev.clinfer.cli;

import dev.clinfer.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every failure of {@code clinfer run}/{@code info} is one line on stderr that names the file (and
 * the node, where one is to blame) and exits non-zero; {@code --verbose} adds the stack trace.
 */
class CliFailuresTest {
    /** x -> op(x) -> y, float [2, 3], one node named {@code the_node}. */
    private static byte[] oneNode(String op, Onnx.AttributeProto... attrs) {
        Onnx.TypeProto type = Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder()
                .setElemType(1).setShape(Onnx.TensorShapeProto.newBuilder()
                        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(2))
                        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(3)))).build();
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setName("the_node").setOpType(op).addInput("x").addOutput("y");
        n.addAllAttribute(Arrays.asList(attrs));
        Onnx.GraphProto g = Onnx.GraphProto.newBuilder().setName("g").addNode(n)
                .addInput(Onnx.ValueInfoProto.newBuilder().setName("x").setType(type))
                .addOutput(Onnx.ValueInfoProto.newBuilder().setName("y")).build();
        return Onnx.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build().toByteArray();
    }

    private static void assertOneLine(CliRun r, String... mustName) {
        assertNotEquals(0, r.code, r.toString());
        assertEquals(1, r.errLines().length, r.toString());
        assertTrue(r.err.startsWith("clinfer: error: "), r.toString());
        for (String s : mustName) {
            assertTrue(r.err.contains(s), "stderr must name '" + s + "'\n" + r);
        }
        assertTrue(!r.err.contains("\tat "), r.toString());
    }

    private static void assertVerboseTrace(String... args) {
        String[] v = new String[args.length + 1];
        v[0] = "--verbose";
        System.arraycopy(args, 0, v, 1, args.length);
        CliRun r = CliRun.of(v);
        assertNotEquals(0, r.code, r.toString());
        assertTrue(r.errLines().length > 1 && r.err.contains("\tat "), "--verbose adds the stack trace\n" + r);
    }

    @Test
    void truncatedModel(@TempDir Path dir) throws Exception {
        byte[] good = oneNode("Relu");
        Path bad = dir.resolve("cut_model.onnx");
        Files.write(bad, Arrays.copyOf(good, good.length / 2));
        assertOneLine(CliRun.of("run", bad.toString(), "--random"), "cut_model.onnx");
        assertOneLine(CliRun.of("info", bad.toString()), "cut_model.onnx");
        assertVerboseTrace("run", bad.toString(), "--random");
    }

    @Test
    void unsupportedOperator(@TempDir Path dir) throws Exception {
        Path m = dir.resolve("odd_op.onnx");
        Files.write(m, oneNode("NoSuchOperatorAnywhere"));
        CliRun r = CliRun.of("run", m.toString(), "--random", "--device", "java");
        assertOneLine(r, "odd_op.onnx", "the_node", "NoSuchOperatorAnywhere");
        assertVerboseTrace("run", m.toString(), "--random", "--device", "java");
    }

    @Test
    void kernelFailureAtRunNamesTheNode(@TempDir Path dir) throws Exception {
        // Flatten with axis 5 on a rank-2 input: a run-time error in one named node.
        Path m = dir.resolve("bad_axis.onnx");
        Files.write(m, oneNode("Flatten", Onnx.AttributeProto.newBuilder().setName("axis")
                .setType(Onnx.AttributeProto.AttributeType.INT).setI(5).build()));
        CliRun r = CliRun.of("run", m.toString(), "--random", "--device", "java");
        assertOneLine(r, "bad_axis.onnx", "the_node");
    }

    @Test
    void badInputFile(@TempDir Path dir) throws Exception {
        Path m = dir.resolve("relu.onnx");
        Files.write(m, oneNode("Relu"));
        Path in = dir.resolve("garbage_input.npy");
        Files.write(in, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 9, 9, 9});
        CliRun r = CliRun.of("run", m.toString(), "--input", "x=" + in, "--device", "java");
        assertOneLine(r, "garbage_input.npy");
        assertVerboseTrace("run", m.toString(), "--input", "x=" + in, "--device", "java");
        Path missing = dir.resolve("absent_input.npy");
        assertOneLine(CliRun.of("run", m.toString(), "--input", "x=" + missing, "--device", "java"), "absent_input.npy");
    }
}
