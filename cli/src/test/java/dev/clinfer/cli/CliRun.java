package dev.clinfer.cli;

import dev.clinfer.onnx.proto.Onnx;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Test helper: runs the CLI in-process and captures what it prints. */
final class CliRun {
    final int code;
    final String out;
    final String err;

    private CliRun(int code, String out, String err) {
        this.code = code;
        this.out = out;
        this.err = err;
    }

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** @return the lines printed on stderr (none when empty) */
    String[] errLines() {
        return err.isEmpty() ? new String[0] : err.split("\\R");
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }

    /**
     * A model with no nodes whose output is its input: it runs without any operator kernel.
     *
     * @param name  the value name, both input and output
     * @param dims  the dims; a negative dim is left symbolic as {@code N}
     * @return the serialized model
     */
    static byte[] passThroughModel(String name, long... dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        Onnx.ValueInfoProto vi = Onnx.ValueInfoProto.newBuilder().setName(name)
                .setType(Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder()
                        .setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
                .build();
        Onnx.GraphProto graph = Onnx.GraphProto.newBuilder().setName("pass_through")
                .addInput(vi).addOutput(vi).build();
        return Onnx.ModelProto.newBuilder().setIrVersion(8).setProducerName("clinfer-test")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph).build().toByteArray();
    }
}
