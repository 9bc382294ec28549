package dev.clinfer.scheduler;

import dev.clinfer.onnx.proto.Onnx;

import java.util.Random;

/** Small ONNX models built in code for scheduler tests. */
final class TestModels {
    private TestModels() {
    }

    private static Onnx.ValueInfoProto.Builder value(String name, long... dims) {
        Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(d < 0 ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                    : Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(s)));
    }

    private static Onnx.TensorProto floats(String name, Random r, long... dims) {
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(1);
        long n = 1;
        for (long d : dims) {
            t.addDims(d);
            n *= d;
        }
        for (long i = 0; i < n; i++) {
            t.addFloatData((float) (r.nextGaussian() * 0.2));
        }
        return t.build();
    }

    private static Onnx.NodeProto.Builder node(String op, String name, String[] in, String... out) {
        Onnx.NodeProto.Builder b = Onnx.NodeProto.newBuilder().setOpType(op).setName(name);
        for (String i : in) {
            b.addInput(i);
        }
        for (String o : out) {
            b.addOutput(o);
        }
        return b;
    }

    private static Onnx.AttributeProto ints(String name, long... v) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name)
                .setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    /**
     * x[batch,3,8,8] -> Conv(4, 3x3, pad 1) -> Relu -> Reshape[-1,256] -> two MatMul branches
     * (a fork: independent queues) -> Add -> Sigmoid -> Add(bias) = y[batch,32]; also z = Relu(m1).
     */
    static byte[] branchy() {
        Random r = new Random(42);
        Onnx.GraphProto g = Onnx.GraphProto.newBuilder().setName("branchy")
                .addInput(value("x", -1, 3, 8, 8))
                .addOutput(value("y", -1, 32))
                .addOutput(value("z", -1, 32))
                .addNode(node("Conv", "conv", new String[] {"x", "w", "b"}, "c")
                        .addAttribute(ints("pads", 1, 1, 1, 1)).addAttribute(ints("kernel_shape", 3, 3)))
                .addNode(node("Relu", "relu", new String[] {"c"}, "r"))
                .addNode(node("Reshape", "flat", new String[] {"r", "shape"}, "f"))
                .addNode(node("MatMul", "mm1", new String[] {"f", "w1"}, "m1"))
                .addNode(node("MatMul", "mm2", new String[] {"f", "w2"}, "m2"))
                .addNode(node("Add", "add", new String[] {"m1", "m2"}, "a"))
                .addNode(node("Sigmoid", "sig", new String[] {"a"}, "s"))
                .addNode(node("Add", "bias", new String[] {"s", "b2"}, "y"))
                .addNode(node("Relu", "relu2", new String[] {"m1"}, "z"))
                .addInitializer(floats("w", r, 4, 3, 3, 3))
                .addInitializer(floats("b", r, 4))
                .addInitializer(Onnx.TensorProto.newBuilder().setName("shape").setDataType(7).addDims(2)
                        .addInt64Data(-1).addInt64Data(256))
                .addInitializer(floats("w1", r, 256, 32))
                .addInitializer(floats("w2", r, 256, 32))
                .addInitializer(floats("b2", r, 32))
                .build();
        return Onnx.ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setVersion(13)).build().toByteArray();
    }
}
