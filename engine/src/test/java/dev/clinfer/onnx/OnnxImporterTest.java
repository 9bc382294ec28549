package dev.clinfer.onnx;

import dev.clinfer.api.ModelFormatException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Model;
import dev.clinfer.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxImporterTest {
    private static Onnx.GraphProto.Builder graphWith(Onnx.TensorProto init) {
        return Onnx.GraphProto.newBuilder().setName("g")
                .addInput(ModelBuilder.floatInfo("x", "batch", 3))
                .addOutput(ModelBuilder.floatInfo("y", "batch", 3))
                .addInitializer(init)
                .addNode(ModelBuilder.node("Add", "add", new String[] {"x", "w"}, new String[] {"y"}));
    }

    @Test
    void readsRawInlineAndMetadata() {
        Onnx.TensorProto inline = Onnx.TensorProto.newBuilder().setName("w").setDataType(1).addDims(3)
                .addFloatData(1).addFloatData(2).addFloatData(3).build();
        Model m = OnnxImporter.load(ModelBuilder.model(graphWith(inline).build(), 13).toByteArray(), null);
        assertArrayEquals(new float[] {1, 2, 3}, m.graph().initializers().get("w").toFloatArray());
        assertEquals(13, m.opsets().get(""));
        assertEquals("test", m.producerName());
        assertEquals("batch", m.graph().inputs().get(0).shape().dim(0).symbol());
        Model raw = OnnxImporter.load(ModelBuilder.model(graphWith(
                ModelBuilder.rawFloats("w", new float[] {4, 5, 6}, 3)).build(), 13).toByteArray(), null);
        assertArrayEquals(new float[] {4, 5, 6}, raw.graph().initializers().get("w").toFloatArray());
    }

    private static Onnx.TensorProto external(String location, long offset, long length) {
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName("w").setDataType(1).addDims(3)
                .setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("offset").setValue(Long.toString(offset)));
        if (length >= 0) {
            t.addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("length").setValue(Long.toString(length)));
        }
        return t.build();
    }

    @Test
    void readsExternalDataRelativeToModelFolder(@TempDir Path dir) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putFloat(99).putFloat(7).putFloat(8).putFloat(9);
        Files.createDirectories(dir.resolve("data"));
        Files.write(dir.resolve("data/weights.bin"), b.array());
        Path model = dir.resolve("m.onnx");
        Files.write(model, ModelBuilder.model(graphWith(external("data/weights.bin", 4, 12)).build(), 13).toByteArray());
        Tensor w = OnnxImporter.load(model).graph().initializers().get("w");
        assertArrayEquals(new float[] {7, 8, 9}, w.toFloatArray());
    }

    @Test
    void rejectsExternalDataOutsideTheFolder(@TempDir Path dir) throws Exception {
        Path sub = Files.createDirectories(dir.resolve("model"));
        Files.write(dir.resolve("secret.bin"), new byte[12]);
        for (String loc : new String[] {"../secret.bin", dir.resolve("secret.bin").toString()}) {
            Path model = sub.resolve("m.onnx");
            Files.write(model, ModelBuilder.model(graphWith(external(loc, 0, 12)).build(), 13).toByteArray());
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxImporter.load(model));
            assertTrue(e.getMessage().contains(loc), e.getMessage());
        }
        Files.createSymbolicLink(sub.resolve("link.bin"), dir.resolve("secret.bin"));
        Path model = sub.resolve("m.onnx");
        Files.write(model, ModelBuilder.model(graphWith(external("link.bin", 0, 12)).build(), 13).toByteArray());
        assertTrue(assertThrows(ModelFormatException.class, () -> OnnxImporter.load(model)).getMessage()
                .contains("outside"));
    }

    @Test
    void reportsShortOrMissingExternalFiles(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("w.bin"), new byte[8]);
        Path model = dir.resolve("m.onnx");
        Files.write(model, ModelBuilder.model(graphWith(external("w.bin", 0, -1)).build(), 13).toByteArray());
        String msg = assertThrows(ModelFormatException.class, () -> OnnxImporter.load(model)).getMessage();
        assertTrue(msg.contains("has 8 bytes") && msg.contains("needs 12"), msg);
        Files.write(model, ModelBuilder.model(graphWith(external("nope.bin", 0, -1)).build(), 13).toByteArray());
        assertTrue(assertThrows(ModelFormatException.class, () -> OnnxImporter.load(model)).getMessage()
                .contains("not found"));
    }

    @Test
    void rejectsCorruptAndTruncatedFiles() {
        byte[] good = ModelBuilder.model(graphWith(ModelBuilder.rawFloats("w", new float[] {1, 2, 3}, 3)).build(), 13)
                .toByteArray();
        for (int cut = 1; cut < good.length; cut += 7) {
            byte[] bad = java.util.Arrays.copyOf(good, cut);
            try {
                OnnxImporter.load(bad, null);
            } catch (ModelFormatException expected) {
                // the only allowed failure
            }
        }
        assertThrows(ModelFormatException.class, () -> OnnxImporter.load(new byte[0], null));
        assertThrows(ModelFormatException.class, () -> OnnxImporter.load(new byte[] {(byte) 0xff, 0x7f, 0x12}, null));
    }

    @Test
    void rejectsRawDataOfTheWrongSize() {
        Onnx.TensorProto w = ModelBuilder.rawFloats("w", new float[] {1, 2}, 3);
        String msg = assertThrows(ModelFormatException.class,
                () -> OnnxImporter.load(ModelBuilder.model(graphWith(w).build(), 13).toByteArray(), null)).getMessage();
        assertTrue(msg.contains("'w'") && msg.contains("8 bytes") && msg.contains("needs 12"), msg);
    }
}
