package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.clinfer.ops.ElementwiseTestSupport.floatAttr;
import static dev.clinfer.ops.ElementwiseTestSupport.intAttr;
import static dev.clinfer.ops.ElementwiseTestSupport.run1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ElementwiseUnaryOpsTest {
    @Test
    void roundHalvesToEven() {
        Tensor out = run1("Round", Tensor.of(new float[] {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.4f}, 6));
        assertArrayEquals(new float[] {0, 2, 2, -0f, -2, 2}, out.toFloatArray());
    }

    @Test
    void erfMatchesTabulatedValues() {
        // Values from Abramowitz & Stegun table 7.1 / high-precision references.
        double[] x = {0, 0.1, 0.5, 1, 2, 2.5, 3, 4, -1.5};
        double[] want = {0, 0.1124629160182849, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527,
            0.9995930479825550, 0.9999779095030014, 0.9999999845827421, -0.9661051464753108};
        for (int i = 0; i < x.length; i++) {
            assertEquals(want[i], ElementwiseMath.erf(x[i]), 1e-13, "erf(" + x[i] + ")");
        }
    }

    @Test
    void inverseHyperbolics() {
        assertEquals(0.881373587019543, ElementwiseMath.asinh(1), 1e-14);
        assertEquals(1.3169578969248166, ElementwiseMath.acosh(2), 1e-14);
        assertEquals(0.5493061443340549, ElementwiseMath.atanh(0.5), 1e-14);
    }

    @Test
    void absNegSignOnIntegers() {
        Tensor x = Tensor.ofBytes(DataType.INT8, new byte[] {-3, 0, 5}, 3);
        assertArrayEquals(new long[] {3, 0, 5}, run1("Abs", x).toLongArray());
        assertArrayEquals(new long[] {3, 0, -5}, run1("Neg", x).toLongArray());
        assertArrayEquals(new long[] {-1, 0, 1}, run1("Sign", x).toLongArray());
        assertEquals(DataType.INT8, run1("Abs", x).dataType());
    }

    @Test
    void isInfHonoursDirections() {
        Tensor x = Tensor.of(new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1}, 4);
        assertArrayEquals(new long[] {1, 1, 0, 0}, run1("IsInf", x).toLongArray());
        assertArrayEquals(new long[] {0, 1, 0, 0},
                run1("IsInf", 10, List.of(intAttr("detect_positive", 0)), x).toLongArray());
        assertArrayEquals(new long[] {0, 0, 1, 0}, run1("IsNaN", x).toLongArray());
    }

    @Test
    void whereBroadcastsThreeWays() {
        Tensor c = Tensor.ofBooleans(new boolean[] {true, false}, 2, 1);
        Tensor x = Tensor.ofLongs(new long[] {1, 2, 3}, 3);
        Tensor y = Tensor.ofLongs(new long[] {-1}, 1);
        Tensor out = run1("Where", c, x, y);
        assertArrayEquals(new long[] {2, 3}, out.shape());
        assertArrayEquals(new long[] {1, 2, 3, -1, -1, -1}, out.toLongArray());
        Tensor f = run1("Where", c, Tensor.of(new float[] {1.5f}, 1), Tensor.of(new float[] {-2.5f}, 1));
        assertArrayEquals(new float[] {1.5f, -2.5f}, f.toFloatArray());
    }

    @Test
    void clipByInputsAndByLegacyAttributes() {
        Tensor x = Tensor.ofBytes(DataType.INT8, new byte[] {-100, 0, 100}, 3);
        Tensor lo = Tensor.ofBytes(DataType.INT8, new byte[] {-10}, 1).reshape();
        assertArrayEquals(new long[] {-10, 0, 100}, run1("Clip", x, lo).toLongArray());
        assertArrayEquals(new long[] {-100, 0, 5},
                run1("Clip", x, null, Tensor.ofBytes(DataType.INT8, new byte[] {5}, 1).reshape()).toLongArray());
        Tensor f = run1("Clip", 6, List.of(floatAttr("min", -1), floatAttr("max", 1)), Tensor.of(new float[] {-3, 0.5f, 3}, 3));
        assertArrayEquals(new float[] {-1, 0.5f, 1}, f.toFloatArray());
    }

    @Test
    void castTruncatesAndMakesBool() {
        Tensor x = Tensor.of(new float[] {-1.7f, 2.9f, 0f, 0.1f}, 4);
        Tensor i = run1("Cast", 13, List.of(intAttr("to", DataType.INT32.onnxCode())), x);
        assertArrayEquals(new int[] {-1, 2, 0, 0}, i.toIntArray());
        Tensor b = run1("Cast", 13, List.of(intAttr("to", DataType.BOOL.onnxCode())), x);
        assertArrayEquals(new long[] {1, 1, 0, 1}, b.toLongArray());
        Tensor like = run1("CastLike", x, Tensor.ofDoubles(new double[] {0}, 1));
        assertEquals(DataType.DOUBLE, like.dataType());
        assertEquals(-1.7f, like.getDouble(0), 0);
    }

    @Test
    void castFloatToStringLikeNumpy() {
        assertEquals("0.1", ElementwiseCastOps.format(0.1f, DataType.FLOAT));
        assertEquals("1.0", ElementwiseCastOps.format(1, DataType.FLOAT));
        assertEquals("1e-05", ElementwiseCastOps.format(1e-5f, DataType.FLOAT));
        assertEquals("-inf", ElementwiseCastOps.format(Double.NEGATIVE_INFINITY, DataType.FLOAT));
        Tensor s = Tensor.ofStrings(new String[] {"1.5", "-INF", "NaN", "+inf"}, 4);
        Tensor f = run1("Cast", 13, List.of(intAttr("to", DataType.FLOAT.onnxCode())), s);
        assertEquals(1.5f, f.getDouble(0), 0);
        assertEquals(Double.NEGATIVE_INFINITY, f.getDouble(1), 0);
        assertEquals(Double.POSITIVE_INFINITY, f.getDouble(3), 0);
    }
}
