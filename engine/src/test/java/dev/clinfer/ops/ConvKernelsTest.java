package dev.clinfer.ops;

import dev.clinfer.api.Tensor;
import dev.clinfer.cpu.GemmBSource;
import dev.clinfer.cpu.GemmKernel;
import dev.clinfer.cpu.GemmPackedA;
import dev.clinfer.cpu.GemmPackedB;
import dev.clinfer.cpu.GemmWeightCache;
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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The shapes the specialised kernels take (depthwise on the Vector API with both strides, 1x1
 * and 3x3 through the blocked GEMM, packed weights with a fused bias and clamp), against float64
 * references. Surefire runs this class twice: on the Vector API path and with
 * {@code -Dclinfer.gemm.scalar=true}.
 */
class ConvKernelsTest {
    private static final GemmTestContext ONE = new GemmTestContext(1);
    private static final GemmTestContext THREE = new GemmTestContext(3);

    @AfterAll
    static void close() {
        ONE.close();
        THREE.close();
    }

    /** 2-D conv reference: x [n,c,h,w], w [m,c/group,kh,kw]. */
    static double[] reference(int n, int c, int h, int wd, int m, int group, int kh, int kw, int sh, int sw,
                                      int pt, int pl, int oh, int ow, float[] x, float[] w, float[] b) {
        int cg = c / group;
        int mg = m / group;
        double[] y = new double[n * m * oh * ow];
        int idx = 0;
        for (int img = 0; img < n; img++) {
            for (int oc = 0; oc < m; oc++) {
                int gr = oc / mg;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double s = b == null ? 0 : b[oc];
                        for (int ci = 0; ci < cg; ci++) {
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    int iy = oy * sh - pt + ky;
                                    int ix = ox * sw - pl + kx;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) {
                                        continue;
                                    }
                                    int ch = gr * cg + ci;
                                    s += (double) x[((img * c + ch) * h + iy) * wd + ix]
                                            * w[((oc * cg + ci) * kh + ky) * kw + kx];
                                }
                            }
                        }
                        y[idx++] = s;
                    }
                }
            }
        }
        return y;
    }

    private static void check(Random r, int n, int c, int h, int wd, int m, int group, int kh, int kw, int sh, int sw,
                              int pt, int pl, int pb, int pr, boolean bias, GemmTestContext ctx) {
        int cg = c / group;
        float[] x = random(r, n * c * h * wd);
        float[] w = random(r, m * cg * kh * kw);
        float[] b = bias ? random(r, m) : null;
        List<Attribute> attrs = new ArrayList<>();
        attrs.add(ints("strides", sh, sw));
        attrs.add(ints("pads", pt, pl, pb, pr));
        attrs.add(GemmTestContext.integer("group", group));
        Tensor[] in = bias
                ? new Tensor[] {Tensor.of(x, n, c, h, wd), Tensor.of(w, m, cg, kh, kw), Tensor.of(b, m)}
                : new Tensor[] {Tensor.of(x, n, c, h, wd), Tensor.of(w, m, cg, kh, kw)};
        Tensor y = ConvOps.conv(node("Conv", attrs.toArray(new Attribute[0])), in, ctx)[0];
        int oh = (h + pt + pb - kh) / sh + 1;
        int ow = (wd + pl + pr - kw) / sw + 1;
        String what = "n" + n + " c" + c + " " + h + "x" + wd + " m" + m + " g" + group + " k" + kh + "x" + kw
                + " s" + sh + "," + sw + " p" + pt + "," + pl + "," + pb + "," + pr;
        assertEquals(n * m * oh * ow, y.numel(), what);
        try {
            assertClose(reference(n, c, h, wd, m, group, kh, kw, sh, sw, pt, pl, oh, ow, x, w, b), y.toFloatArray(),
                    1e-4);
        } catch (AssertionError e) {
            throw new AssertionError(what + ": " + e.getMessage(), e);
        }
    }

    @Test
    void depthwiseGeometries() {
        Random r = new Random(7);
        int[][] cases = {
            // c, h, w, multiplier, kh, kw, sh, sw, pt, pl, pb, pr
            {4, 20, 37, 1, 3, 3, 1, 1, 1, 1, 1, 1},
            {3, 7, 7, 1, 3, 3, 1, 1, 1, 1, 1, 1},
            {3, 14, 14, 1, 3, 3, 2, 2, 1, 1, 1, 1},
            {5, 40, 40, 1, 3, 3, 2, 2, 1, 1, 1, 1},
            {3, 33, 35, 1, 3, 3, 2, 2, 0, 1, 1, 0},
            {2, 24, 48, 2, 5, 5, 1, 1, 2, 2, 2, 2},
            {2, 24, 48, 1, 5, 5, 2, 2, 2, 2, 2, 2},
            {3, 30, 19, 1, 3, 3, 2, 1, 1, 1, 1, 1},
            {3, 19, 40, 1, 3, 3, 1, 2, 1, 1, 1, 1},
            {2, 9, 40, 1, 1, 3, 1, 1, 0, 1, 0, 1},
            {2, 12, 12, 1, 3, 3, 1, 1, 0, 0, 0, 0},
            {2, 5, 5, 1, 3, 3, 1, 1, 3, 3, 3, 3},
            {2, 17, 50, 1, 3, 3, 2, 2, 2, 3, 0, 2},
            {3, 14, 14, 1, 3, 3, 1, 1, 1, 1, 1, 1},    // stride 1, rows narrower than a vector
            {2, 16, 41, 1, 3, 3, 2, 2, 0, 0, 1, 1},    // stride 2, odd last input column
            {2, 9, 11, 1, 5, 5, 2, 2, 2, 2, 2, 2},     // stride 2, 5x5, rows narrower than a vector
            {3, 12, 20, 1, 3, 3, 1, 2, 1, 1, 1, 1},    // stride 2 on columns only, narrow rows
            {2, 8, 5, 1, 3, 3, 2, 2, 1, 1, 1, 1},      // stride 2, 3 output columns
            // ConvDepthwiseRows (3x3, padding 1 top and left, rows of a vector or more):
            {3, 9, 16, 1, 3, 3, 1, 1, 1, 1, 1, 1},     // one vector a row with AVX-512: both edges in it
            {2, 11, 17, 1, 3, 3, 2, 2, 1, 1, 1, 1},    // stride 2, odd width: the last right tap is padding
            {2, 10, 28, 2, 3, 3, 2, 2, 1, 1, 0, 0},    // stride 2, no end padding, multiplier 2
            {3, 7, 30, 1, 3, 3, 1, 1, 1, 1, 0, 0},     // stride 1, no end padding: rows through scratch
            {2, 5, 56, 1, 3, 3, 1, 1, 1, 1, 1, 1},     // overlapping last vector
            {2, 12, 112, 1, 3, 3, 2, 2, 1, 1, 1, 1},   // the MobileNet stride-2 width
            {2, 6, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1},      // flattened: one column, both edges in every lane
            {2, 7, 9, 1, 3, 3, 2, 2, 1, 1, 0, 0},      // flattened stride 2, no end padding
            {3, 5, 13, 2, 3, 3, 1, 1, 1, 1, 0, 0},     // flattened stride 1 through scratch, multiplier 2
            {2, 14, 14, 1, 3, 3, 2, 2, 1, 1, 1, 1},    // the MobileNet 14 -> 7 shape
        };
        for (int[] t : cases) {
            int c = t[0];
            for (GemmTestContext ctx : new GemmTestContext[] {ONE, THREE}) {
                check(r, 2, c, t[1], t[2], c * t[3], c, t[4], t[5], t[6], t[7], t[8], t[9], t[10], t[11], true, ctx);
            }
            check(r, 1, c, t[1], t[2], c * t[3], c, t[4], t[5], t[6], t[7], t[8], t[9], t[10], t[11], false, ONE);
        }
    }

    @Test
    void gemmConvGeometries() {
        Random r = new Random(9);
        int[][] cases = {
            // c, h, w, m, group, kh, kw, sh, sw, pad
            {19, 23, 29, 13, 1, 1, 1, 1, 1, 0},
            {40, 9, 9, 24, 1, 3, 3, 1, 1, 1},
            {33, 14, 15, 17, 1, 3, 3, 2, 2, 1},
            {300, 5, 6, 9, 1, 1, 1, 1, 1, 0},
            {32, 7, 7, 40, 1, 3, 3, 1, 1, 1},
            {8, 31, 33, 16, 2, 3, 3, 1, 1, 1},
            {3, 40, 41, 8, 1, 7, 7, 2, 2, 3},
        };
        for (int[] t : cases) {
            for (GemmTestContext ctx : new GemmTestContext[] {ONE, THREE}) {
                check(r, 1, t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[9], t[9], t[9], true, ctx);
            }
        }
    }

    @Test
    void packedWeightsWithBiasAndClamp() {
        Random r = new Random(13);
        // k 300: two k blocks, bias and clamp in a pass over each tile; k 40 and 16: one block,
        // bias and clamp in the kernel's registers. n 48 ends on a one-vector panel, 75 inside one.
        for (int[] mkn : new int[][] {{21, 300, 75}, {21, 40, 75}, {16, 16, 48}, {9, 40, 33}}) {
            packedWeightsWithBiasAndClamp(r, mkn[0], mkn[1], mkn[2]);
        }
    }

    private static void packedWeightsWithBiasAndClamp(Random r, int m, int k, int n) {
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        float[] bias = random(r, m);
        GemmPackedA pa = GemmPackedA.pack(a, 0, k, false, m, k, 1f, null);
        for (GemmTestContext ctx : new GemmTestContext[] {ONE, THREE}) {
            for (int source = 0; source < 2; source++) {
                float[] c = new float[m * n];
                java.util.Arrays.fill(c, Float.NaN);
                if (source == 0) {
                    GemmPackedB pb = GemmPackedB.pack(b, 0, n, false, k, n, ctx, true);
                    GemmKernel.multiply(pa, pb, c, 0, n, false, bias, 0f, 6f, ctx);
                } else {
                    GemmKernel.multiply(pa, GemmBSource.matrix(b, 0, n, false, k, n), c, 0, n, false, bias, 0f, 6f,
                            ctx);
                }
                double[] want = new double[m * n];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = bias[i];
                        for (int kk = 0; kk < k; kk++) {
                            s += (double) a[i * k + kk] * b[kk * n + j];
                        }
                        want[i * n + j] = Math.min(6, Math.max(0, s));
                    }
                }
                assertClose(want, c, 1e-4);
            }
        }
    }

    @Test
    void weightCacheOnlyForMarkedConstants() {
        Tensor constant = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor other = Tensor.of(new float[] {1, 2, 3}, 3);
        GemmWeightCache.markConstant(constant);
        Object first = GemmWeightCache.get(constant, "k", 3, Object::new);
        assertSame(first, GemmWeightCache.get(constant, "k", 3, Object::new));
        assertSame(first, GemmWeightCache.get(constant.reshape(1, 3), "k", 3, Object::new), "views share storage");
        Object o1 = GemmWeightCache.get(other, "k", 3, Object::new);
        Object o2 = GemmWeightCache.get(other, "k", 3, Object::new);
        org.junit.jupiter.api.Assertions.assertNotSame(o1, o2, "unmarked tensors are never cached");
    }
}
