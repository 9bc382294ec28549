package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.clinfer.ops.ElementwiseTestSupport.intAttr;
import static dev.clinfer.ops.ElementwiseTestSupport.run1;
import static dev.clinfer.ops.ElementwiseTestSupport.stringAttr;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ElementwiseOpsTest {
    private static float[] seq(int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i - n / 3) * scale;
        }
        return v;
    }

    @Test
    void addBroadcastsMiddleDimAcrossUnevenChunks() {
        float[] a = seq(24, 0.5f);
        float[] b = {10, 20, 30};
        Tensor out = run1("Add", Tensor.of(a, 2, 3, 4), Tensor.of(b, 3, 1));
        assertArrayEquals(new long[] {2, 3, 4}, out.shape());
        float[] want = new float[24];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    want[(i * 3 + j) * 4 + k] = a[(i * 3 + j) * 4 + k] + b[j];
                }
            }
        }
        assertArrayEquals(want, out.toFloatArray());
    }

    @Test
    void subBroadcastsBothWays() {
        // [3,1] - [1,4] -> [3,4]: each input is broadcast along a different dim.
        Tensor out = run1("Sub", Tensor.of(new float[] {1, 2, 3}, 3, 1), Tensor.of(new float[] {10, 20, 30, 40}, 1, 4));
        float[] want = new float[12];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                want[i * 4 + j] = (i + 1) - (j + 1) * 10;
            }
        }
        assertArrayEquals(want, out.toFloatArray());
    }

    @Test
    void scalarOnTheLeftAndDoubleMul() {
        Tensor out = run1("Div", Tensor.scalar(1f), Tensor.of(new float[] {2, 4, 8}, 3));
        assertArrayEquals(new float[] {0.5f, 0.25f, 0.125f}, out.toFloatArray());
        Tensor d = run1("Mul", Tensor.ofDoubles(new double[] {1.5, 2.5}, 2), Tensor.ofDoubles(new double[] {2}, 1));
        assertArrayEquals(new double[] {3, 5}, d.toDoubleArray());
    }

    @Test
    void integerDivTruncatesTowardZero() {
        Tensor out = run1("Div", Tensor.ofLongs(new long[] {7, -7, 7, -7}, 4), Tensor.ofLongs(new long[] {2, 2, -2, -2}, 4));
        assertArrayEquals(new long[] {3, -3, -3, 3}, out.toLongArray());
        Tensor u8 = run1("Add", Tensor.ofBytes(DataType.UINT8, new byte[] {(byte) 250}, 1),
                Tensor.ofBytes(DataType.UINT8, new byte[] {10}, 1));
        assertEquals(DataType.UINT8, u8.dataType());
        assertEquals(4, u8.getLong(0)); // wraps as uint8
    }

    @Test
    void modFollowsDivisorSignUnlessFmod() {
        Tensor a = Tensor.ofInts(new int[] {-7, 7, -7, 7}, 4);
        Tensor b = Tensor.ofInts(new int[] {3, -3, -3, 3}, 4);
        assertArrayEquals(new int[] {2, -2, -1, 1}, run1("Mod", a, b).toIntArray());
        Tensor f = run1("Mod", 13, List.of(intAttr("fmod", 1)), Tensor.of(new float[] {-7.5f, 7.5f}, 2),
                Tensor.of(new float[] {2, -2}, 2));
        assertArrayEquals(new float[] {-1.5f, 1.5f}, f.toFloatArray());
    }

    @Test
    void powKeepsBaseType() {
        Tensor p = run1("Pow", Tensor.ofLongs(new long[] {2, 3, -2}, 3), Tensor.ofLongs(new long[] {10, 3, 3}, 3));
        assertArrayEquals(new long[] {1024, 27, -8}, p.toLongArray());
        Tensor q = run1("Pow", Tensor.of(new float[] {2, 9}, 2), Tensor.ofLongs(new long[] {3, 0}, 2));
        assertEquals(DataType.FLOAT, q.dataType());
        assertArrayEquals(new float[] {8, 1}, q.toFloatArray());
    }

    @Test
    void variadicMaxMinMeanSum() {
        Tensor a = Tensor.of(new float[] {1, 5, 3}, 3);
        Tensor b = Tensor.of(new float[] {4, 2, 6}, 3);
        Tensor c = Tensor.of(new float[] {0}, 1);
        assertArrayEquals(new float[] {4, 5, 6}, run1("Max", a, b, c).toFloatArray());
        assertArrayEquals(new float[] {0, 0, 0}, run1("Min", a, b, c).toFloatArray());
        assertArrayEquals(new float[] {5, 7, 9}, run1("Sum", a, b, c).toFloatArray());
        assertArrayEquals(new float[] {2.5f, 3.5f, 4.5f}, run1("Mean", a, b).toFloatArray());
    }

    @Test
    void uint64OrderIsUnsigned() {
        Tensor big = Tensor.allocate(DataType.UINT64, 1);
        big.setLong(0, -1L); // 2^64 - 1
        Tensor one = Tensor.allocate(DataType.UINT64, 1);
        one.setLong(0, 1);
        assertEquals(1, run1("Greater", big, one).getLong(0));
        assertEquals(-1L, run1("Max", big, one).getLong(0));
    }

    @Test
    void comparisonsAndLogicGiveBool() {
        Tensor lt = run1("LessOrEqual", Tensor.ofInts(new int[] {1, 2, 3}, 3), Tensor.ofInts(new int[] {2}, 1));
        assertEquals(DataType.BOOL, lt.dataType());
        assertArrayEquals(new long[] {1, 1, 0}, lt.toLongArray());
        Tensor gt = run1("Greater", Tensor.of(new float[] {-1, 0.5f, 2, Float.NaN}, 4), Tensor.scalar(0.5f));
        assertEquals(DataType.BOOL, gt.dataType());
        assertArrayEquals(new long[] {0, 0, 1, 0}, gt.toLongArray());
        Tensor x = Tensor.ofBooleans(new boolean[] {true, true, false, false}, 2, 2);
        Tensor y = Tensor.ofBooleans(new boolean[] {true, false}, 2);
        assertArrayEquals(new long[] {1, 0, 0, 0}, run1("And", x, y).toLongArray());
        assertArrayEquals(new long[] {0, 1, 1, 0}, run1("Xor", x, y).toLongArray());
        assertArrayEquals(new long[] {0, 0, 1, 1}, run1("Not", x).toLongArray());
    }

    @Test
    void bitShiftWrapsToWidth() {
        Tensor x = Tensor.ofBytes(DataType.UINT8, new byte[] {(byte) 0xF0, 16}, 2);
        Tensor s = Tensor.ofBytes(DataType.UINT8, new byte[] {1, 2}, 2);
        assertArrayEquals(new long[] {0xE0, 64}, run1("BitShift", 11, List.of(stringAttr("direction", "LEFT")), x, s).toLongArray());
        assertArrayEquals(new long[] {0x78, 4}, run1("BitShift", 11, List.of(stringAttr("direction", "RIGHT")), x, s).toLongArray());
    }

    @Test
    void legacyBroadcastAlignsAtAxis() {
        // Opset 6 Add with broadcast=1, axis=1: B [3] lines up with A's dim 1 of [2,3,2].
        float[] a = seq(12, 1);
        Tensor out = run1("Add", 6, List.of(intAttr("broadcast", 1), intAttr("axis", 1)), Tensor.of(a, 2, 3, 2),
                Tensor.of(new float[] {100, 200, 300}, 3));
        float[] want = new float[12];
        for (int i = 0; i < 12; i++) {
            want[i] = a[i] + 100 * ((i / 2) % 3 + 1);
        }
        assertArrayEquals(want, out.toFloatArray());
    }

    @Test
    void broadcastPlanMergesDims() {
        ElementwiseBroadcast p = ElementwiseBroadcast.of(null, new long[] {2, 3, 4, 5}, new long[] {1, 3, 1, 1});
        assertEquals(20, p.innerLength());
        assertEquals(1, p.innerStride(0));
        assertEquals(0, p.innerStride(1));
        ElementwiseBroadcast same = ElementwiseBroadcast.of(null, new long[] {2, 3, 4}, new long[] {2, 3, 4});
        assertEquals(24, same.innerLength());
    }

    @Test
    void longRunsCrossBlockBoundaries() {
        // Runs longer than the kernels' block size, with one side broadcast along the run.
        int n = 2500;
        float[] a = seq(3 * n, 0.25f);
        float[] b = {1, -2, 3};
        Tensor out = run1("Mul", Tensor.of(b, 3, 1), Tensor.of(a, 3, n));
        float[] want = new float[3 * n];
        for (int i = 0; i < 3 * n; i++) {
            want[i] = b[i / n] * a[i];
        }
        assertArrayEquals(want, out.toFloatArray());
        Tensor relu = run1("Relu", Tensor.of(a, 3 * n));
        for (int i = 0; i < 3 * n; i++) {
            want[i] = Math.max(a[i], 0);
        }
        assertArrayEquals(want, relu.toFloatArray());
    }
}
