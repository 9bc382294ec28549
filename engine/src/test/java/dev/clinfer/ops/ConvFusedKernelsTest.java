package dev.clinfer.ops;

import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Attribute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.clinfer.ops.GemmTestContext.assertClose;
import static dev.clinfer.ops.GemmTestContext.ints;
import static dev.clinfer.ops.GemmTestContext.node;
import static dev.clinfer.ops.GemmTestContext.random;

/**
 * FusedConv and FusedConvAdd kernels ({@code act(Conv(x) + r)}) on every conv path (1x1 GEMM,
 * 3x3 im2col, grouped, depthwise both strides) and every epilogue kind (clamp in the GEMM tiles,
 * other activations as a tile tail, residual accumulated by the GEMM or added after depthwise),
 * against float64 references. Surefire runs it on the Vector API path and the scalar one.
 */
class ConvFusedKernelsTest {
    private static final GemmTestContext ONE = new GemmTestContext(1);
    private static final GemmTestContext THREE = new GemmTestContext(3);

    @AfterAll
    static void close() {
        ONE.close();
        THREE.close();
    }

    private static double act(String a, double v) {
        return switch (a) {
            case "Relu" -> Math.max(v, 0);
            case "Clip" -> Math.min(6, Math.max(0, v));
            case "HardSwish" -> v * Math.max(0, Math.min(1, v / 6 + 0.5));
            case "Sigmoid" -> 1 / (1 + Math.exp(-v));
            default -> v;
        };
    }

    /**
     * @param residual 0: none (FusedConv), 1: full shape, 2: broadcast [1, m, 1, 1] (the run-time fallback)
     */
    private static void check(Random r, int c, int h, int wd, int m, int group, int k, int s, int p, String a,
                              int residual, GemmTestContext ctx) {
        int n = 2;
        int cg = c / group;
        int oh = (h + 2 * p - k) / s + 1;
        int ow = (wd + 2 * p - k) / s + 1;
        float[] x = random(r, n * c * h * wd);
        float[] w = random(r, m * cg * k * k);
        float[] b = random(r, m);
        float[] res = residual == 0 ? null : random(r, residual == 1 ? n * m * oh * ow : m);
        List<Attribute> attrs = new ArrayList<>();
        attrs.add(ints("strides", s, s));
        attrs.add(ints("pads", p, p, p, p));
        attrs.add(GemmTestContext.integer("group", group));
        attrs.add(GemmTestContext.string("activation", a));
        if (a.equals("Clip")) {
            attrs.add(new Attribute("activation_params", Attribute.Type.FLOATS, 0f, 0L, null, null, null,
                    new float[] {0f, 6f}, null, null, null, null));
        }
        List<Tensor> in = new ArrayList<>(List.of(Tensor.of(x, n, c, h, wd), Tensor.of(w, m, cg, k, k), Tensor.of(b, m)));
        if (res != null) {
            in.add(residual == 1 ? Tensor.of(res, n, m, oh, ow) : Tensor.of(res, 1, m, 1, 1));
        }
        String op = res == null ? "FusedConv" : "FusedConvAdd";
        Tensor y = OpRegistry.defaultRegistry().find(FusedOps.DOMAIN, op)
                .run(node(op, attrs.toArray(new Attribute[0])), in.toArray(new Tensor[0]), ctx)[0];
        double[] want = ConvKernelsTest.reference(n, c, h, wd, m, group, k, k, s, s, p, p, oh, ow, x, w, b);
        int plane = oh * ow;
        for (int i = 0; i < want.length; i++) {
            double v = want[i];
            if (res != null) {
                v += residual == 1 ? res[i] : res[(i / plane) % m];
            }
            want[i] = act(a, v);
        }
        String what = op + " c" + c + " " + h + "x" + wd + " m" + m + " g" + group + " k" + k + " s" + s + " p" + p
                + " " + a + " residual " + residual + " threads " + ctx.threads();
        try {
            assertClose(want, y.toFloatArray(), 1e-4);
        } catch (AssertionError e) {
            throw new AssertionError(what + ": " + e.getMessage(), e);
        }
    }

    @Test
    void residualAndActivationOnEveryConvPath() {
        Random r = new Random(11);
        int[][] shapes = {
            // c, h, w, m, group, k, stride, pad
            {16, 9, 13, 24, 1, 1, 1, 0},   // pointwise GEMM, edge tiles
            {8, 12, 12, 40, 1, 3, 1, 1},   // 3x3 im2col
            {8, 11, 11, 16, 1, 3, 2, 1},   // strided 3x3
            {8, 10, 10, 8, 4, 3, 1, 1},    // grouped
            {6, 20, 37, 6, 6, 3, 1, 1},    // depthwise stride 1, rows of a vector or more
            {6, 7, 7, 6, 6, 3, 1, 1},      // depthwise stride 1, small plane
            {6, 40, 40, 6, 6, 3, 2, 1},    // depthwise stride 2
            {4, 24, 24, 4, 4, 5, 1, 2},    // depthwise 5x5
        };
        for (GemmTestContext ctx : new GemmTestContext[] {ONE, THREE}) {
            for (int[] t : shapes) {
                for (String a : new String[] {"", "Relu", "Clip", "HardSwish", "Sigmoid"}) {
                    for (int residual = 0; residual <= 2; residual++) {
                        check(r, t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], a, residual, ctx);
                    }
                }
            }
        }
    }

    @Test
    void residualSurvivesRepeatedCallsOnReusedScratch() {
        // The per-thread scratch arrays are reused: a smaller call after a larger one must not see
        // the larger call's values.
        Random r = new Random(5);
        check(r, 16, 30, 30, 32, 1, 3, 1, 1, "Relu", 1, ONE);
        check(r, 4, 5, 6, 8, 1, 1, 1, 0, "", 1, ONE);
        check(r, 4, 5, 6, 4, 4, 3, 1, 1, "", 0, ONE);
    }
}
