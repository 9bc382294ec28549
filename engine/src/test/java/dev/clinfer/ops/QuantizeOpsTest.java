package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import org.junit.jupiter.api.Test;

import static dev.clinfer.ops.GemmTestContext.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The quantization operators against hand-computed values. */
class QuantizeOpsTest {
    private final GemmTestContext ctx = new GemmTestContext(1);

    private static Tensor u8(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return Tensor.ofBytes(DataType.UINT8, b, v.length);
    }

    @Test
    void quantizeRoundsHalfToEvenAndSaturates() {
        Tensor x = Tensor.of(new float[] {0, 2, 3, 1000, -254, 2.5f, -2.5f, 1.5f, -1000}, 9);
        Tensor y = QuantizeOps.quantizeLinear(node("QuantizeLinear"),
                new Tensor[] {x, Tensor.scalar(2f), Tensor.ofBytes(DataType.UINT8, new byte[] {(byte) 128})}, ctx)[0];
        assertEquals(DataType.UINT8, y.dataType());
        // x / 2 = 0, 1, 1.5, 500, -127, 1.25, -1.25, 0.75, -500 -> rint -> + 128 -> clamp [0, 255].
        assertArrayEquals(new long[] {128, 129, 130, 255, 1, 129, 127, 129, 0}, y.toLongArray());
        Tensor yi = QuantizeOps.quantizeLinear(node("QuantizeLinear"),
                new Tensor[] {x, Tensor.scalar(2f), Tensor.ofBytes(DataType.INT8, new byte[] {-1})}, ctx)[0];
        assertEquals(DataType.INT8, yi.dataType());
        assertArrayEquals(new long[] {-1, 0, 1, 127, -128, 0, -2, 0, -128}, yi.toLongArray());
        Tensor noZp = QuantizeOps.quantizeLinear(node("QuantizeLinear"), new Tensor[] {x, Tensor.scalar(2f)}, ctx)[0];
        assertEquals(DataType.UINT8, noZp.dataType());
        assertEquals(2, noZp.getLong(2));
    }

    @Test
    void quantizePerAxis() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 2, 2);
        Tensor scale = Tensor.of(new float[] {1, 2}, 2);
        Tensor zp = Tensor.ofBytes(DataType.UINT8, new byte[] {0, 10}, 2);
        Tensor y = QuantizeOps.quantizeLinear(node("QuantizeLinear"), new Tensor[] {x, scale, zp}, ctx)[0];
        // channel 1: 3/2 = 1.5 -> 2, 4/2 = 2; plus 10.
        assertArrayEquals(new long[] {1, 2, 12, 12}, y.toLongArray());
        Tensor d = QuantizeOps.dequantizeLinear(node("DequantizeLinear"), new Tensor[] {y, scale, zp}, ctx)[0];
        assertArrayEquals(new float[] {1, 2, 4, 4}, d.toFloatArray());
    }

    @Test
    void dequantize() {
        Tensor y = QuantizeOps.dequantizeLinear(node("DequantizeLinear"),
                new Tensor[] {u8(0, 3, 128, 255), Tensor.scalar(2f), u8(128)}, ctx)[0];
        assertArrayEquals(new float[] {-256, -250, 0, 254}, y.toFloatArray());
        Tensor yi = QuantizeOps.dequantizeLinear(node("DequantizeLinear"),
                new Tensor[] {Tensor.ofInts(new int[] {-5, 7}, 2), Tensor.scalar(0.5f)}, ctx)[0];
        assertArrayEquals(new float[] {-2.5f, 3.5f}, yi.toFloatArray());
    }

    @Test
    void dynamicQuantize() {
        // The example of the ONNX operator documentation.
        Tensor x = Tensor.of(new float[] {0, 2, -3, -2.5f, 1.34f, 0.5f}, 6);
        Tensor[] out = QuantizeOps.dynamicQuantizeLinear(node("DynamicQuantizeLinear"), new Tensor[] {x}, ctx);
        assertArrayEquals(new long[] {153, 255, 0, 26, 221, 179}, out[0].toLongArray());
        assertEquals(0.0196078438, out[1].getDouble(0), 1e-9);
        assertEquals(153, out[2].getLong(0));
        Tensor[] zeros = QuantizeOps.dynamicQuantizeLinear(node("DynamicQuantizeLinear"),
                new Tensor[] {Tensor.of(new float[3], 3)}, ctx);
        assertArrayEquals(new long[] {0, 0, 0}, zeros[0].toLongArray());
        assertEquals(0, zeros[2].getLong(0));
    }

    @Test
    void qlinearMatMul() {
        // (a - 0) = [2, 4]; (b - 1) = [0, 2]^T; acc 8; 8 * 0.5 * 1 / 2 = 2; + 10.
        Tensor a = Tensor.ofBytes(DataType.UINT8, new byte[] {2, 4}, 1, 2);
        Tensor b = Tensor.ofBytes(DataType.UINT8, new byte[] {1, 3}, 2, 1);
        Tensor y = QuantizeOps.qlinearMatMul(node("QLinearMatMul"), new Tensor[] {a, Tensor.scalar(0.5f), u8(0), b,
            Tensor.scalar(1f), u8(1), Tensor.scalar(2f), u8(10)}, ctx)[0];
        assertArrayEquals(new long[] {1, 1}, y.shape());
        assertEquals(12, y.getLong(0));
    }
}
