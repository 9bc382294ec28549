package dev.clinfer.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.conformance.Tolerance;
import dev.clinfer.onnx.proto.Onnx.OptionalProto;
import dev.clinfer.onnx.proto.Onnx.SequenceProto;
import dev.clinfer.onnx.proto.Onnx.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sequence/optional tensors: the container API, reading them from test-data files, comparing them. */
class SequenceFilesTest {
    @TempDir
    Path dir;

    private static TensorProto floats(float... v) {
        TensorProto.Builder b = TensorProto.newBuilder().setDataType(DataType.FLOAT.onnxCode()).addDims(v.length);
        for (float x : v) {
            b.addFloatData(x);
        }
        return b.build();
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    @Test
    void containerBasics() {
        Tensor a = Tensor.of(new float[] {1, 2}, 2);
        Tensor s = Tensor.sequence(DataType.FLOAT, List.of(a, a));
        assertArrayEquals(new long[] {2}, s.shape());
        assertEquals(0, s.byteSize());
        assertTrue(s.isContainer());
        assertSame(s, s.reshape(2));
        assertThrows(InvalidInputException.class, () -> s.reshape(1, 2));
        assertThrows(InvalidInputException.class, s::buffer);
        assertThrows(InvalidInputException.class, () -> Tensor.allocate(DataType.SEQUENCE, 1));
        assertThrows(InvalidInputException.class,
                () -> Tensor.sequence(DataType.INT64, List.of(a)));
        Tensor c = s.copy();
        assertEquals(2, c.items().size());
        assertTrue(c.items().get(0) != a && !c.sharesStorageWith(s));
        assertArrayEquals(new float[] {1, 2}, c.items().get(1).toFloatArray());
        Tensor none = Tensor.optional(DataType.SEQUENCE, null);
        assertTrue(none.isNone());
        assertNull(none.optionalValue());
        assertArrayEquals(new long[] {0}, none.shape());
        assertSame(s, Tensor.optional(DataType.SEQUENCE, s).optionalValue());
        assertTrue(!Tensor.sequence(DataType.FLOAT, List.of()).sharesStorageWith(Tensor.sequence(DataType.FLOAT, List.of())));
    }

    @Test
    void readsSequenceAndOptionalFiles() throws Exception {
        SequenceProto sp = SequenceProto.newBuilder().setName("seq").setElemType(SequenceProto.DataType.TENSOR_VALUE)
                .addTensorValues(floats(1, 2)).addTensorValues(floats(3)).build();
        TensorFiles.Named n = TensorFiles.readPb(write("s.pb", sp.toByteArray()), "sequence");
        assertEquals("seq", n.name());
        Tensor s = n.tensor();
        assertEquals(DataType.SEQUENCE, s.dataType());
        assertEquals(DataType.FLOAT, s.elementType());
        assertArrayEquals(new float[] {3}, s.items().get(1).toFloatArray());

        OptionalProto op = OptionalProto.newBuilder().setElemType(OptionalProto.DataType.SEQUENCE_VALUE)
                .setSequenceValue(sp).build();
        Tensor o = TensorFiles.readPb(write("o.pb", op.toByteArray()), "optional").tensor();
        assertEquals(DataType.OPTIONAL, o.dataType());
        assertEquals(DataType.SEQUENCE, o.elementType());
        assertEquals(2, o.optionalValue().items().size());

        OptionalProto empty = OptionalProto.newBuilder().setElemType(OptionalProto.DataType.TENSOR_VALUE).build();
        assertTrue(TensorFiles.readPb(write("e.pb", empty.toByteArray()), "optional").tensor().isNone());

        SequenceProto none = SequenceProto.newBuilder().setElemType(SequenceProto.DataType.TENSOR_VALUE).build();
        Tensor e = TensorFiles.readPb(write("n.pb", none.toByteArray()), "sequence").tensor();
        assertEquals(0, e.items().size());
        assertNull(e.elementType(), "an empty file sequence does not say its element type");
    }

    @Test
    void toleranceComparesItemByItem() {
        Tolerance tol = new Tolerance(1e-3, 1e-7);
        Tensor a = Tensor.sequence(DataType.FLOAT, List.of(Tensor.of(new float[] {1, 2}, 2)));
        Tensor b = Tensor.sequence(DataType.FLOAT, List.of(Tensor.of(new float[] {1, 2.0001f}, 2)));
        Tensor c = Tensor.sequence(DataType.FLOAT, List.of(Tensor.of(new float[] {1, 3}, 2)));
        assertNull(tol.compare(a, b));
        assertNotNull(tol.compare(a, c));
        assertTrue(tol.compare(a, Tensor.sequence(DataType.FLOAT, List.of())).contains("1 items, expected 0"));
        assertNull(tol.compare(Tensor.sequence(DataType.FLOAT, List.of()), Tensor.sequence(null, List.of())));
        assertNull(tol.compare(Tensor.optional(null, null), Tensor.optional(DataType.FLOAT, null)));
        assertNotNull(tol.compare(Tensor.optional(null, null), Tensor.optional(DataType.SEQUENCE, a)));
        assertNull(tol.compare(Tensor.optional(DataType.SEQUENCE, b), Tensor.optional(DataType.SEQUENCE, a)));
        assertNotNull(tol.compare(a, Tensor.of(new float[] {1}, 1)));
    }
}
