package dev.clinfer.util;

import dev.clinfer.api.DataType;
import dev.clinfer.api.ModelFormatException;
import dev.clinfer.api.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyTest {
    /** Builds an .npy file by hand, the way numpy lays it out, independent of {@link Npy#toBytes}. */
    private static byte[] npy(int major, String header, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        int prefix = major == 1 ? 10 : 12;
        StringBuilder h = new StringBuilder(header);
        while ((prefix + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        byte[] hb = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer len = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            len.putShort((short) hb.length);
        } else {
            len.putInt(hb.length);
        }
        out.writeBytes(len.array());
        out.writeBytes(hb);
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static byte[] le(int bytes, java.util.function.Consumer<ByteBuffer> fill) {
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(b);
        return b.array();
    }

    @Test
    void readsFloat32Version1() {
        byte[] data = le(24, b -> {
            for (int i = 0; i < 6; i++) {
                b.putFloat(i * 1.5f - 2);
            }
        });
        Tensor t = Npy.read(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data), "a.npy");
        assertEquals(DataType.FLOAT, t.dataType());
        assertArrayEquals(new long[] {2, 3}, t.shape());
        assertArrayEquals(new float[] {-2f, -0.5f, 1f, 2.5f, 4f, 5.5f}, t.toFloatArray());
    }

    @Test
    void readsVersion2AndBigEndian() {
        byte[] data = ByteBuffer.allocate(12).order(ByteOrder.BIG_ENDIAN).putInt(1).putInt(-7).putInt(1 << 20).array();
        Tensor t = Npy.read(npy(2, "{'descr': '>i4', 'fortran_order': False, 'shape': (3,), }", data), "b.npy");
        assertEquals(DataType.INT32, t.dataType());
        assertArrayEquals(new int[] {1, -7, 1 << 20}, t.toIntArray());
    }

    @Test
    void readsEveryDtype() {
        assertArrayEquals(new double[] {0.25, -1e300},
                Npy.read(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
                        le(16, b -> b.putDouble(0.25).putDouble(-1e300))), "f8").toDoubleArray());
        // float16 bits: 0x3C00 = 1.0, 0xC000 = -2.0, 0x3800 = 0.5
        Tensor h = Npy.read(npy(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }",
                le(6, b -> b.putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x3800))), "f2");
        assertEquals(DataType.FLOAT16, h.dataType());
        assertArrayEquals(new float[] {1f, -2f, 0.5f}, h.toFloatArray());
        Tensor i8 = Npy.read(npy(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }",
                new byte[] {-128, 127}), "i1");
        assertEquals(DataType.INT8, i8.dataType());
        assertArrayEquals(new long[] {-128, 127}, i8.toLongArray());
        Tensor i8b = Npy.read(npy(1, "{'descr': '<i1', 'fortran_order': False, 'shape': (1,), }",
                new byte[] {-3}), "i1");
        assertArrayEquals(new long[] {-3}, i8b.toLongArray());
        Tensor u8 = Npy.read(npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }",
                new byte[] {(byte) 255, 3}), "u1");
        assertEquals(DataType.UINT8, u8.dataType());
        assertArrayEquals(new long[] {255, 3}, u8.toLongArray());
        Tensor i64 = Npy.read(npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (1, 1), }",
                le(8, b -> b.putLong(-5_000_000_000L))), "i8");
        assertEquals(DataType.INT64, i64.dataType());
        assertArrayEquals(new long[] {-5_000_000_000L}, i64.toLongArray());
        Tensor bool = Npy.read(npy(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }",
                new byte[] {1, 0, 1}), "b1");
        assertEquals(DataType.BOOL, bool.dataType());
        assertTrue(bool.getBoolean(0) && !bool.getBoolean(1) && bool.getBoolean(2));
    }

    @Test
    void readsScalarAndEmpty() {
        Tensor s = Npy.read(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
                le(4, b -> b.putFloat(3.5f))), "s");
        assertEquals(0, s.rank());
        assertEquals(3.5f, s.toFloatArray()[0]);
        Tensor e = Npy.read(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4), }", new byte[0]), "e");
        assertArrayEquals(new long[] {0, 4}, e.shape());
    }

    @Test
    void rejectsFortranOrderClearly() {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Npy.read(
                npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new byte[16]), "f.npy"));
        assertTrue(e.getMessage().contains("f.npy") && e.getMessage().contains("fortran_order"), e.getMessage());
    }

    @Test
    void rejectsBadFiles() {
        assertThrows(ModelFormatException.class, () -> Npy.read("hello world".getBytes(StandardCharsets.US_ASCII), "x"));
        ModelFormatException dtype = assertThrows(ModelFormatException.class, () -> Npy.read(
                npy(1, "{'descr': '<U5', 'fortran_order': False, 'shape': (1,), }", new byte[20]), "u.npy"));
        assertTrue(dtype.getMessage().contains("<U5"), dtype.getMessage());
        ModelFormatException truncated = assertThrows(ModelFormatException.class, () -> Npy.read(
                npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", new byte[8]), "t.npy"));
        assertTrue(truncated.getMessage().contains("16"), truncated.getMessage());
    }

    @Test
    void writesNumpyLayout() {
        Tensor t = Tensor.of(new float[] {1f, -2f, 0.5f, 8f, 0f, 3f}, 2, 3);
        byte[] b = Npy.toBytes(t);
        assertEquals(0x93, b[0] & 0xff);
        assertEquals("NUMPY", new String(b, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, b[6]);
        int headerLen = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        assertEquals(0, (10 + headerLen) % 64, "data must start 64-byte aligned");
        String header = new String(b, 10, headerLen, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), header);
        assertTrue(header.endsWith("\n"));
        ByteBuffer data = ByteBuffer.wrap(b, 10 + headerLen, 24).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1f, data.getFloat());
        assertEquals(-2f, data.getFloat());
        assertEquals(10 + headerLen + 24, b.length);
        String oneD = new String(Npy.toBytes(Tensor.ofLongs(new long[] {7}, 1)), 10, 64, StandardCharsets.ISO_8859_1);
        assertTrue(oneD.contains("'descr': '<i8'") && oneD.contains("'shape': (1,)"), oneD);
        String bool = new String(Npy.toBytes(Tensor.ofBooleans(new boolean[] {true}, 1)), 10, 64,
                StandardCharsets.ISO_8859_1);
        assertTrue(bool.contains("'descr': '|b1'"), bool);
    }

    @Test
    void roundTripsEveryType(@TempDir Path dir) throws Exception {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.INT8,
                DataType.UINT8, DataType.INT32, DataType.INT64, DataType.BOOL, DataType.INT16, DataType.UINT16}) {
            Tensor t = Tensor.allocate(type, 2, 1, 3);
            for (int i = 0; i < 6; i++) {
                t.setDouble(i, type == DataType.BOOL ? i % 2 : i * 3 - 4);
            }
            Path f = dir.resolve(type + ".npy");
            Npy.write(f, t);
            Tensor back = Npy.read(f);
            assertEquals(type, back.dataType());
            assertArrayEquals(t.shape(), back.shape());
            assertArrayEquals(t.toDoubleArray(), back.toDoubleArray(), 0.0, type.toString());
        }
    }

    @Test
    void rejectsStringAndBfloat16OnWrite() {
        assertThrows(IllegalArgumentException.class, () -> Npy.toBytes(Tensor.ofStrings(new String[] {"a"}, 1)));
        assertThrows(IllegalArgumentException.class, () -> Npy.toBytes(Tensor.allocate(DataType.BFLOAT16, 1)));
    }
}
