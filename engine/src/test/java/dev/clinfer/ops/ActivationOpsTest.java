package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.clinfer.ops.ElementwiseTestSupport.intAttr;
import static dev.clinfer.ops.ElementwiseTestSupport.run;
import static dev.clinfer.ops.ElementwiseTestSupport.run1;
import static dev.clinfer.ops.ElementwiseTestSupport.stringAttr;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ActivationOpsTest {
    private static final double TOL = 1e-6;

    private static void close(double[] want, float[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], TOL * Math.max(1, Math.abs(want[i])), "index " + i);
        }
    }

    private static final float[] X = {-3, -1, -0.5f, 0, 0.5f, 1, 3};

    @Test
    void reluAndLeakyRelu() {
        assertArrayEquals(new float[] {0, 0, 0, 0, 0.5f, 1, 3}, run1("Relu", Tensor.of(X, 7)).toFloatArray());
        double[] want = new double[7];
        for (int i = 0; i < 7; i++) {
            want[i] = X[i] < 0 ? 0.01f * X[i] : X[i];
        }
        close(want, run1("LeakyRelu", Tensor.of(X, 7)).toFloatArray());
    }

    @Test
    void geluBothModes() {
        // erf(x / sqrt 2) at x = -1, 1, 3 from tables: -0.6826894921, 0.6826894921, 0.9973002039.
        float[] x = {-1, 0, 1, 3};
        double[] erf = {-0.6826894921370859, 0, 0.6826894921370859, 0.9973002039367398};
        double[] want = new double[4];
        double[] wantTanh = new double[4];
        for (int i = 0; i < 4; i++) {
            want[i] = 0.5 * x[i] * (1 + erf[i]);
            double u = Math.sqrt(2 / Math.PI) * (x[i] + 0.044715 * Math.pow(x[i], 3));
            wantTanh[i] = 0.5 * x[i] * (1 + Math.tanh(u));
        }
        close(want, run1("Gelu", 20, List.of(), Tensor.of(x, 4)).toFloatArray());
        close(wantTanh, run1("Gelu", 20, List.of(stringAttr("approximate", "tanh")), Tensor.of(x, 4)).toFloatArray());
    }

    @Test
    void sigmoidSoftplusMishAreStableForLargeInputs() {
        float[] x = {-1000, -2, 0, 2, 1000};
        double[] sig = new double[5];
        double[] sp = new double[5];
        double[] mish = new double[5];
        for (int i = 0; i < 5; i++) {
            double v = x[i];
            sig[i] = Math.abs(v) > 100 ? (v > 0 ? 1 : 0) : 1 / (1 + Math.exp(-v));
            sp[i] = Math.abs(v) > 100 ? Math.max(v, 0) : Math.log(1 + Math.exp(v));
            mish[i] = v * Math.tanh(sp[i]);
        }
        close(sig, run1("Sigmoid", Tensor.of(x, 5)).toFloatArray());
        close(sp, run1("Softplus", Tensor.of(x, 5)).toFloatArray());
        close(mish, run1("Mish", 18, List.of(), Tensor.of(x, 5)).toFloatArray());
    }

    @Test
    void preluTakesPerChannelSlope() {
        // X [1,2,2], slope [2,1] broadcast along the last dim.
        Tensor x = Tensor.of(new float[] {-1, 2, -3, 4}, 1, 2, 2);
        Tensor s = Tensor.of(new float[] {0.5f, 0.25f}, 2, 1);
        assertArrayEquals(new float[] {-0.5f, 2, -0.75f, 4}, run1("PRelu", x, s).toFloatArray());
    }

    @Test
    void softmaxAxisSemanticsChangeAtOpset13() {
        float[] v = new float[12];
        for (int i = 0; i < 12; i++) {
            v[i] = (i % 5) * 0.3f - (i / 6);
        }
        Tensor x = Tensor.of(v, 2, 3, 2);
        // Opset 13, axis 1: normalise each column of 3 values, 2 apart.
        double[] want13 = new double[12];
        for (int a = 0; a < 2; a++) {
            for (int c = 0; c < 2; c++) {
                double sum = 0;
                for (int j = 0; j < 3; j++) {
                    sum += Math.exp(v[a * 6 + j * 2 + c]);
                }
                for (int j = 0; j < 3; j++) {
                    want13[a * 6 + j * 2 + c] = Math.exp(v[a * 6 + j * 2 + c]) / sum;
                }
            }
        }
        close(want13, run1("Softmax", 13, List.of(intAttr("axis", 1)), x).toFloatArray());
        // Opset 11, axis 1: coerce to [2, 6] and normalise each row of 6.
        double[] want11 = new double[12];
        double[] wantLog = new double[12];
        for (int a = 0; a < 2; a++) {
            double sum = 0;
            for (int j = 0; j < 6; j++) {
                sum += Math.exp(v[a * 6 + j]);
            }
            for (int j = 0; j < 6; j++) {
                want11[a * 6 + j] = Math.exp(v[a * 6 + j]) / sum;
                wantLog[a * 6 + j] = v[a * 6 + j] - Math.log(sum);
            }
        }
        close(want11, run1("Softmax", 11, List.of(intAttr("axis", 1)), x).toFloatArray());
        close(wantLog, run1("LogSoftmax", 11, List.of(), x).toFloatArray());
    }

    @Test
    void hardmaxPicksFirstMaximum() {
        Tensor x = Tensor.of(new float[] {1, 3, 3, 0, 2, 2, 1, 0}, 2, 4);
        assertArrayEquals(new float[] {0, 1, 0, 0, 1, 0, 0, 0}, run1("Hardmax", x).toFloatArray());
    }

    @Test
    void identityDropoutSizeEyeLikeDet() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertSame(x, run1("Identity", x));
        Tensor[] d = run("Dropout", 13, 2, List.of(), x, Tensor.scalar(0.3f));
        assertSame(x, d[0]);
        assertEquals(DataType.BOOL, d[1].dataType());
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1}, d[1].toLongArray());
        assertThrows(RuntimeException.class, () -> run("Dropout", 13, 1, List.of(), x, Tensor.scalar(0.3f),
                Tensor.ofBooleans(new boolean[] {true})));
        Tensor size = run1("Size", x);
        assertEquals(DataType.INT64, size.dataType());
        assertEquals(6, size.getLong(0));
        Tensor eye = run1("EyeLike", 9, List.of(intAttr("k", 1), intAttr("dtype", DataType.INT32.onnxCode())), x);
        assertArrayEquals(new int[] {0, 1, 0, 0, 0, 1}, eye.toIntArray());
        // det [[2,0,1],[1,3,2],[1,1,1]] = 2(3-2) - 0 + 1(1-3) = 0; det [[0,1],[1,0]] batched with [[4,7],[2,6]] = -1, 10.
        Tensor m = Tensor.of(new float[] {2, 0, 1, 1, 3, 2, 1, 1, 1}, 3, 3);
        assertEquals(0, run1("Det", m).getDouble(0), 1e-6);
        Tensor b = run1("Det", Tensor.of(new float[] {0, 1, 1, 0, 4, 7, 2, 6}, 2, 2, 2));
        assertArrayEquals(new float[] {-1, 10}, b.toFloatArray(), 1e-5f);
    }
}
