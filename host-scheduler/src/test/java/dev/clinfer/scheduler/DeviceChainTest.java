package dev.clinfer.scheduler;

import dev.clinfer.api.DeviceException;
import dev.clinfer.api.Result;
import dev.clinfer.api.Session;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import dev.clinfer.opencl.ClBindings;
import dev.clinfer.opencl.ClDevice;
import dev.clinfer.opencl.ClTestSupport;
import dev.clinfer.opencl.ClObjects;
import dev.clinfer.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceChainTest {
    /** y = ReduceSum(x, axes=[1], keepdims=0) for x float [2,3]. */
    static byte[] reduceModel() {
        Onnx.TensorShapeProto.Builder in = Onnx.TensorShapeProto.newBuilder()
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(2))
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(3));
        Onnx.GraphProto g = Onnx.GraphProto.newBuilder().setName("g")
                .addInput(Onnx.ValueInfoProto.newBuilder().setName("x").setType(Onnx.TypeProto.newBuilder()
                        .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(in))))
                .addOutput(Onnx.ValueInfoProto.newBuilder().setName("y").setType(Onnx.TypeProto.newBuilder()
                        .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1))))
                .addNode(Onnx.NodeProto.newBuilder().setOpType("ReduceSum").setName("sum").addInput("x").addInput("axes")
                        .addOutput("y").addAttribute(Onnx.AttributeProto.newBuilder().setName("keepdims")
                                .setType(Onnx.AttributeProto.AttributeType.INT).setI(0)))
                .addInitializer(Onnx.TensorProto.newBuilder().setName("axes").setDataType(7).addDims(1).addInt64Data(1))
                .build();
        return Onnx.ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setVersion(13)).build().toByteArray();
    }

    /** s = Shape(Relu(x)) for x float [N,3] (symbolic N, so Shape cannot fold at load). */
    static byte[] shapeOfDeviceValueModel() {
        Onnx.TensorShapeProto.Builder in = Onnx.TensorShapeProto.newBuilder()
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(3));
        Onnx.GraphProto g = Onnx.GraphProto.newBuilder().setName("g")
                .addInput(Onnx.ValueInfoProto.newBuilder().setName("x").setType(Onnx.TypeProto.newBuilder()
                        .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(in))))
                .addOutput(Onnx.ValueInfoProto.newBuilder().setName("s").setType(Onnx.TypeProto.newBuilder()
                        .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(7))))
                .addNode(Onnx.NodeProto.newBuilder().setOpType("Relu").setName("relu").addInput("x").addOutput("r"))
                .addNode(Onnx.NodeProto.newBuilder().setOpType("Shape").setName("shape").addInput("r").addOutput("s")
                        .addAttribute(Onnx.AttributeProto.newBuilder().setName("start")
                                .setType(Onnx.AttributeProto.AttributeType.INT).setI(-2)))
                .build();
        return Onnx.ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setVersion(15)).build().toByteArray();
    }

    @Test
    void shapeOfADeviceValueIsAnsweredWithoutDownloadingIt() {
        ClTestSupport.openOrSkip("auto");
        Tensor x = Tensor.of(new float[] {1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12}, 4, 3);
        try (Session s = Session.create(shapeOfDeviceValueModel(), new SessionOptions().device("opencl-cpu"))) {
            assertTrue(s.placement().get("relu").startsWith("opencl"), s.placement().toString());
            assertEquals("java", s.placement().get("shape"), s.placement().toString());
            try (Result r = s.run(Map.of("x", x))) {
                assertArrayEquals(new long[] {4, 3}, r.get("s").toLongArray());
            }
            assertEquals(0, s.stats().bytesDownloaded(), "Shape must not download its input");
        }
    }

    @Test
    void openClCpuDeviceRunsAndMatchesJava() {
        ClTestSupport.openOrSkip("auto");
        Map<ClObjects.Kind, Long> before = ClObjects.snapshot();
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        try (Session s = Session.create(reduceModel(), new SessionOptions().device("opencl-cpu").strict(true));
             Result r = s.run(Map.of("x", x))) {
            assertTrue(s.device().startsWith("opencl"), s.device());
            assertArrayEquals(new float[] {6, 15}, r.get("y").toFloatArray());
        }
        assertEquals(before, ClObjects.snapshot(), "every OpenCL object released");
    }

    @Test
    void missingDeviceFallsBackUnlessStrict() {
        ClTestSupport.openOrSkip("auto");
        try (Session s = Session.create(reduceModel(), new SessionOptions().device("7:7"))) {
            assertTrue(s.device().startsWith("java") && s.device().contains("fell back"), s.device());
        }
        assertThrows(DeviceException.class,
                () -> Session.create(reduceModel(), new SessionOptions().device("7:7").strict(true)));
        assertThrows(DeviceException.class,
                () -> Session.create(reduceModel(), new SessionOptions().device("warp-drive")));
    }

    @Test
    void bothBindingsSeeTheSameDevices() {
        ClTestSupport.openOrSkip("jocl");
        ClTestSupport.openOrSkip("lwjgl");
        List<ClDevice> a = ClBindings.open("jocl", new ArrayList<>()).devices();
        List<ClDevice> b = ClBindings.open("lwjgl", new ArrayList<>()).devices();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).name(), b.get(i).name());
            assertEquals(a.get(i).computeUnits(), b.get(i).computeUnits());
            assertEquals(a.get(i).maxAllocBytes(), b.get(i).maxAllocBytes());
        }
    }
}
