package dev.clinfer.onnx;

import com.google.protobuf.ByteString;
import dev.clinfer.onnx.proto.Onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds small ONNX models in tests. */
public final class ModelBuilder {
    private ModelBuilder() {
    }

    /** @return a float32 value info with static dims */
    public static Onnx.ValueInfoProto floatInfo(String name, Object... dims) {
        Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            if (d instanceof String) {
                s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam((String) d));
            } else {
                s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
            }
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }

    /** @return a float32 initializer stored in raw_data */
    public static Onnx.TensorProto rawFloats(String name, float[] v, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(1)
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    /** @return a node */
    public static Onnx.NodeProto node(String op, String name, String[] in, String[] out) {
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName(name);
        for (String s : in) {
            n.addInput(s);
        }
        for (String s : out) {
            n.addOutput(s);
        }
        return n.build();
    }

    /** @return a model importing ai.onnx at {@code opset} */
    public static Onnx.ModelProto model(Onnx.GraphProto g, int opset) {
        return Onnx.ModelProto.newBuilder().setIrVersion(8).setProducerName("test").setGraph(g)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).build();
    }
}
