package dev.clinfer.ops;

import dev.clinfer.api.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.DoubleUnaryOperator;

import static dev.clinfer.ops.ElementwiseTestSupport.floatAttr;
import static dev.clinfer.ops.ElementwiseTestSupport.run1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The float32 fast loops ({@link ElementwiseFast}) and the ops using them, against float64 references. */
class ElementwiseFastTest {
    /** A dense grid over [lo, hi] with the specials appended. */
    private static float[] grid(float lo, float hi, float step) {
        int n = (int) ((hi - lo) / step) + 1;
        float[] x = new float[n + 6];
        for (int i = 0; i < n; i++) {
            x[i] = lo + i * step;
        }
        x[n] = 0f;
        x[n + 1] = -0f;
        x[n + 2] = 1e-30f;
        x[n + 3] = -3e-39f;
        x[n + 4] = Float.MIN_VALUE;
        x[n + 5] = -7.5e-6f;
        return x;
    }

    /** Checks |got - want| <= rel |want| + abs for every element. */
    private static void check(String what, float[] x, float[] got, DoubleUnaryOperator ref, double rel, double abs) {
        for (int i = 0; i < x.length; i++) {
            double want = ref.applyAsDouble(x[i]);
            double err = Math.abs(got[i] - want);
            assertTrue(err <= rel * Math.abs(want) + abs,
                    what + "(" + x[i] + ") = " + got[i] + ", want " + want + " (error " + err + ")");
        }
    }

    private interface Loop {
        void run(float[] s, float[] d, int n);
    }

    private static float[] apply(Loop f, float[] x) {
        float[] d = new float[x.length];
        f.run(x, d, x.length);
        return d;
    }

    /** float64 erf for the reference: Maclaurin series below 3, continued fraction for erfc above. */
    static double erf64(double x) {
        double ax = Math.abs(x);
        if (ax < 3) {
            double sum = 0;
            double term = ax;
            for (int n = 0; n < 200; n++) {
                double t = term / (2 * n + 1);
                sum += t;
                if (Math.abs(t) < 1e-18) {
                    break;
                }
                term *= -ax * ax / (n + 1);
            }
            return Math.copySign(2 / Math.sqrt(Math.PI) * sum, x);
        }
        double f = ax;
        for (int k = 80; k >= 1; k--) {
            f = ax + (k / 2.0) / f;
        }
        return Math.copySign(1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f, x);
    }

    @Test
    void erfWithinTwoUlpOverDenseRange() {
        float[] x = grid(-6f, 6f, 1e-4f);
        float[] got = apply(ElementwiseFast::erf, x);
        // 2.5e-7 relative is about two float ulp near 1; 1e-45 absolute covers subnormal results.
        check("erf", x, got, ElementwiseFastTest::erf64, 2.5e-7, 1e-45);
        assertEquals(1e-30f * (float) (2 / Math.sqrt(Math.PI)), ElementwiseFast.erf(1e-30f), 1e-37f);
    }

    @Test
    void erfSpecials() {
        assertTrue(Float.isNaN(ElementwiseFast.erf(Float.NaN)));
        assertEquals(1f, ElementwiseFast.erf(Float.POSITIVE_INFINITY));
        assertEquals(-1f, ElementwiseFast.erf(Float.NEGATIVE_INFINITY));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(ElementwiseFast.erf(-0f)));
        assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(ElementwiseFast.erf(0f)));
    }

    @Test
    void expSigmoidTanhGelu() {
        float[] x = grid(-80f, 80f, 1e-3f);
        check("sigmoid", x, apply(ElementwiseFast::sigmoid, x), v -> 1 / (1 + Math.exp(-v)), 1.2e-7, 1e-44);
        check("tanh", x, apply(ElementwiseFast::tanh, x), Math::tanh, 1.2e-7, 1e-44);
        check("swish", x, apply(ElementwiseFast::swish, x), v -> v / (1 + Math.exp(-v)), 2.4e-7, 1e-44);
        // Below about -3, 1 + erf(x / sqrt 2) cancels: float erf leaves an absolute error of a few
        // 1e-7 there (as any float-erf GELU does), so the tolerance has an absolute part.
        check("gelu", x, apply(ElementwiseFast::gelu, x), v -> 0.5 * v * (1 + erf64(v / Math.sqrt(2))), 4e-7, 6e-7);
        float[] e = grid(-87f, 88f, 1e-3f);
        check("exp", e, apply(ElementwiseFast::exp, e), Math::exp, 6e-8, 0);
    }

    @Test
    void transcendentalSpecialsPropagate() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 1e-20f};
        float[] s = apply(ElementwiseFast::sigmoid, x);
        assertTrue(Float.isNaN(s[0]));
        assertEquals(1f, s[1]);
        assertEquals(0f, s[2]);
        assertEquals(0.5f, s[3]);
        float[] t = apply(ElementwiseFast::tanh, x);
        assertTrue(Float.isNaN(t[0]));
        assertEquals(1f, t[1]);
        assertEquals(-1f, t[2]);
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(t[3]));
        assertEquals(1e-20f, t[4]);
        float[] g = apply(ElementwiseFast::gelu, x);
        assertTrue(Float.isNaN(g[0]));
        assertTrue(Float.isNaN(apply(ElementwiseFast::exp, x)[0]));
        assertEquals(Float.POSITIVE_INFINITY, apply(ElementwiseFast::exp, x)[1]);
        assertEquals(0f, apply(ElementwiseFast::exp, x)[2]);
    }

    @Test
    void reluAndClipKeepNaNAndClearNegativeZero() {
        float[] x = {Float.NaN, -0f, 0f, -1f, 2f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 7f};
        float[] r = apply(ElementwiseFast::relu, x);
        assertTrue(Float.isNaN(r[0]));
        assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(r[1]), "relu(-0.0) is +0.0, as max(-0.0, 0.0)");
        assertEquals(0f, r[3]);
        assertEquals(2f, r[4]);
        assertEquals(0f, r[5]);
        assertEquals(Float.POSITIVE_INFINITY, r[6]);
        float[] c = apply((s, d, n) -> ElementwiseFast.clip(s, d, n, 0f, 6f), x);
        assertTrue(Float.isNaN(c[0]));
        assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(c[1]));
        assertEquals(0f, c[3]);
        assertEquals(2f, c[4]);
        assertEquals(0f, c[5]);
        assertEquals(6f, c[6]);
        assertEquals(6f, c[7]);
        float[] u = apply((s, d, n) -> ElementwiseFast.clip(s, d, n, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY), x);
        assertTrue(Float.isNaN(u[0]));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(u[1]), "unbounded clip keeps -0.0");
        assertEquals(Float.NEGATIVE_INFINITY, u[5]);
    }

    @Test
    void piecewiseLinearActivations() {
        float[] x = grid(-10f, 10f, 1e-3f);
        check("hardSigmoid", x, apply((s, d, n) -> ElementwiseFast.hardSigmoid(s, d, n, 0.2f, 0.5f), x),
                v -> Math.max(0, Math.min(1, 0.2f * v + 0.5f)), 1.2e-7, 1e-7);
        check("hardSwish", x, apply(ElementwiseFast::hardSwish, x),
                v -> v * Math.max(0, Math.min(1, v / 6 + 0.5)), 2.4e-7, 1e-7);
        check("leakyRelu", x, apply((s, d, n) -> ElementwiseFast.leakyRelu(s, d, n, 0.1f), x),
                v -> v < 0 ? 0.1f * v : v, 6e-8, 1e-45);
        assertTrue(Float.isNaN(apply(ElementwiseFast::hardSwish, new float[] {Float.NaN})[0]));
        assertTrue(Float.isNaN(apply((s, d, n) -> ElementwiseFast.hardSigmoid(s, d, n, 0.2f, 0.5f),
                new float[] {Float.NaN})[0]));
    }

    /** The ops route float32 through the fast loops: lengths that end mid-block, specials included. */
    @Test
    void operatorsUseFastLoopsCorrectly() {
        int n = 2 * ElementwiseKernels.BLOCK + 37;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i - n / 2) * 0.01f;
        }
        v[3] = Float.NaN;
        v[5] = -0f;
        Tensor x = Tensor.of(v, n);
        float[] clip = floats(run1("Clip", 13, List.of(), x, Tensor.of(new float[] {0f}),
                Tensor.of(new float[] {6f})));
        float[] clip6 = floats(run1("Clip", 6, List.of(floatAttr("min", -1f), floatAttr("max", 1f)), x));
        float[] sig = floats(run1("Sigmoid", x));
        float[] erf = floats(run1("Erf", x));
        float[] tanh = floats(run1("Tanh", x));
        float[] hs = floats(run1("HardSwish", x));
        float[] gelu = floats(run1("Gelu", 20, List.of(), x));
        for (int i = 0; i < n; i++) {
            double xi = v[i];
            if (Float.isNaN(v[i])) {
                assertTrue(Float.isNaN(clip[i]) && Float.isNaN(clip6[i]) && Float.isNaN(sig[i]) && Float.isNaN(erf[i])
                        && Float.isNaN(tanh[i]) && Float.isNaN(hs[i]) && Float.isNaN(gelu[i]), "NaN at " + i);
                continue;
            }
            assertEquals(Math.min(Math.max(xi, 0), 6), clip[i], 0, "clip at " + i);
            assertEquals(Math.min(Math.max(xi, -1), 1), clip6[i], 0, "clip-6 at " + i);
            assertEquals(1 / (1 + Math.exp(-xi)), sig[i], 1.2e-7, "sigmoid at " + i);
            assertEquals(erf64(xi), erf[i], 2.5e-7, "erf at " + i);
            assertEquals(Math.tanh(xi), tanh[i], 1.2e-7, "tanh at " + i);
            assertEquals(xi * Math.max(0, Math.min(1, xi / 6 + 0.5)), hs[i], 1e-6, "hardswish at " + i);
            assertEquals(0.5 * xi * (1 + erf64(xi / Math.sqrt(2))), gelu[i], 1e-6, "gelu at " + i);
        }
        assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(clip[5]));
    }

    @Test
    void fusedActivationLoopsMatchScalarForm() {
        float[] x = grid(-30f, 30f, 1e-2f);
        for (FusedActivation a : new FusedActivation[] {
                new FusedActivation(FusedActivation.Kind.SIGMOID, 0f, 0f),
                new FusedActivation(FusedActivation.Kind.SWISH, 0f, 0f),
                new FusedActivation(FusedActivation.Kind.LEAKY_RELU, 0.1f, 0f)}) {
            float[] v = x.clone();
            a.apply(v, 0, v.length);
            DoubleUnaryOperator ref = switch (a.kind()) {
                case SIGMOID -> t -> 1 / (1 + Math.exp(-t));
                case SWISH -> t -> t / (1 + Math.exp(-t));
                default -> t -> t < 0 ? 0.1f * t : t;
            };
            check(a.toString(), x, v, ref, 2.4e-7, 1e-44);
        }
    }

    private static float[] floats(Tensor t) {
        float[] f = new float[t.numel()];
        t.floats().get(0, f);
        return f;
    }
}
