package dev.clinfer.ops;

import dev.clinfer.api.DataType;
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
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Conv and ConvTranspose against float64 loop references on random geometries. */
class ConvOpsTest {
    private static final GemmTestContext CTX = new GemmTestContext(3);

    @AfterAll
    static void close() {
        CTX.close();
    }

    /** One case: spatial sizes etc. of 1 to 3 dims; the reference treats them as 3-D. */
    private record Case(int n, int c, int m, int group, int[] in, int[] k, int[] s, int[] d, int[] pb, int[] pe) {
        int dims() {
            return in.length;
        }

        /** @param v per-dim values @param i 3-D dim index @param def value for missing leading dims */
        int at(int[] v, int i, int def) {
            int off = 3 - v.length;
            return i < off ? def : v[i - off];
        }
    }

    private static int[] a(int... v) {
        return v;
    }

    private static int convOut(Case t, int i) {
        int ext = (t.at(t.k, i, 1) - 1) * t.at(t.d, i, 1) + 1;
        return (t.at(t.in, i, 1) + t.at(t.pb, i, 0) + t.at(t.pe, i, 0) - ext) / t.at(t.s, i, 1) + 1;
    }

    private static double[] refConv(Case t, float[] x, float[] w, float[] b) {
        int[] o = {convOut(t, 0), convOut(t, 1), convOut(t, 2)};
        int[] in = {t.at(t.in, 0, 1), t.at(t.in, 1, 1), t.at(t.in, 2, 1)};
        int[] k = {t.at(t.k, 0, 1), t.at(t.k, 1, 1), t.at(t.k, 2, 1)};
        int cg = t.c / t.group;
        int mg = t.m / t.group;
        double[] y = new double[t.n * t.m * o[0] * o[1] * o[2]];
        int idx = 0;
        for (int img = 0; img < t.n; img++) {
            for (int oc = 0; oc < t.m; oc++) {
                int gr = oc / mg;
                for (int z = 0; z < o[0]; z++) {
                    for (int yy = 0; yy < o[1]; yy++) {
                        for (int xx = 0; xx < o[2]; xx++) {
                            double s = b == null ? 0 : b[oc];
                            for (int ci = 0; ci < cg; ci++) {
                                for (int kz = 0; kz < k[0]; kz++) {
                                    for (int ky = 0; ky < k[1]; ky++) {
                                        for (int kx = 0; kx < k[2]; kx++) {
                                            int iz = z * t.at(t.s, 0, 1) - t.at(t.pb, 0, 0) + kz * t.at(t.d, 0, 1);
                                            int iy = yy * t.at(t.s, 1, 1) - t.at(t.pb, 1, 0) + ky * t.at(t.d, 1, 1);
                                            int ix = xx * t.at(t.s, 2, 1) - t.at(t.pb, 2, 0) + kx * t.at(t.d, 2, 1);
                                            if (iz < 0 || iz >= in[0] || iy < 0 || iy >= in[1] || ix < 0 || ix >= in[2]) {
                                                continue;
                                            }
                                            int ch = gr * cg + ci;
                                            double xv = x[(((img * t.c + ch) * in[0] + iz) * in[1] + iy) * in[2] + ix];
                                            double wv = w[(((oc * cg + ci) * k[0] + kz) * k[1] + ky) * k[2] + kx];
                                            s += xv * wv;
                                        }
                                    }
                                }
                            }
                            y[idx++] = s;
                        }
                    }
                }
            }
        }
        return y;
    }

    private static long[] shape(int n, int c, int[] sp) {
        long[] s = new long[2 + sp.length];
        s[0] = n;
        s[1] = c;
        for (int i = 0; i < sp.length; i++) {
            s[2 + i] = sp[i];
        }
        return s;
    }

    private static long[] longs(int[] v) {
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[i];
        }
        return r;
    }

    private static long[] concat(int[] a, int[] b) {
        long[] r = new long[a.length + b.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i];
        }
        for (int i = 0; i < b.length; i++) {
            r[a.length + i] = b[i];
        }
        return r;
    }

    private static void checkConv(Case t, Random r, boolean bias) {
        int cg = t.c / t.group;
        float[] x = random(r, OpUtil.size(shape(t.n, t.c, t.in)));
        float[] w = random(r, OpUtil.size(shape(t.m, cg, t.k)));
        float[] b = bias ? random(r, t.m) : null;
        List<Attribute> attrs = new ArrayList<>();
        attrs.add(ints("strides", longs(t.s)));
        attrs.add(ints("dilations", longs(t.d)));
        attrs.add(ints("pads", concat(t.pb, t.pe)));
        attrs.add(GemmTestContext.integer("group", t.group));
        Tensor[] in = bias
                ? new Tensor[] {Tensor.of(x, shape(t.n, t.c, t.in)), Tensor.of(w, shape(t.m, cg, t.k)), Tensor.of(b, t.m)}
                : new Tensor[] {Tensor.of(x, shape(t.n, t.c, t.in)), Tensor.of(w, shape(t.m, cg, t.k))};
        Tensor y = ConvOps.conv(node("Conv", attrs.toArray(new Attribute[0])), in, CTX)[0];
        int[] o = new int[t.dims()];
        for (int i = 0; i < o.length; i++) {
            o[i] = convOut(t, 3 - t.dims() + i);
        }
        assertArrayEquals(shape(t.n, t.m, o), y.shape(), "shape of " + t);
        assertClose(refConv(t, x, w, b), y.toFloatArray(), 1e-4);
        // float64 takes the direct path: same numbers.
        Tensor[] din = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) {
            din[i] = in[i].convertTo(DataType.DOUBLE);
        }
        Tensor yd = ConvOps.conv(node("Conv", attrs.toArray(new Attribute[0])), din, CTX)[0];
        assertClose(refConv(t, x, w, b), yd.toFloatArray(), 1e-6);
    }

    @Test
    void randomGeometries() {
        Random r = new Random(3);
        List<Case> cases = List.of(
                new Case(1, 3, 4, 1, a(9, 11), a(3, 3), a(1, 1), a(1, 1), a(1, 1), a(1, 1)),
                new Case(2, 5, 6, 1, a(17, 19), a(1, 1), a(1, 1), a(1, 1), a(0, 0), a(0, 0)),
                new Case(1, 8, 6, 1, a(9, 10), a(1, 1), a(2, 2), a(1, 1), a(0, 0), a(0, 0)),
                new Case(1, 3, 5, 1, a(23, 21), a(7, 7), a(2, 2), a(1, 1), a(3, 3), a(3, 3)),
                new Case(2, 6, 4, 2, a(8, 9), a(3, 2), a(2, 1), a(1, 2), a(1, 0), a(2, 1)),
                new Case(1, 4, 4, 4, a(12, 13), a(3, 3), a(1, 1), a(1, 1), a(1, 1), a(1, 1)),
                new Case(2, 5, 5, 5, a(11, 12), a(3, 3), a(2, 2), a(1, 1), a(1, 1), a(1, 1)),
                new Case(1, 3, 6, 3, a(10, 9), a(3, 5), a(1, 2), a(2, 1), a(2, 0), a(1, 3)),
                new Case(1, 2, 3, 1, a(25, 22), a(3, 3), a(1, 1), a(1, 1), a(1, 1), a(1, 1)),
                new Case(2, 4, 6, 2, a(13), a(3), a(2), a(2), a(1), a(2)),
                new Case(1, 2, 3, 1, a(5, 6, 7), a(2, 3, 2), a(1, 2, 1), a(1, 1, 2), a(0, 1, 1), a(1, 0, 1)),
                new Case(1, 4, 4, 2, a(4, 5, 4), a(1, 1, 1), a(1, 1, 1), a(1, 1, 1), a(0, 0, 0), a(0, 0, 0)));
        for (Case t : cases) {
            checkConv(t, r, true);
            checkConv(t, r, false);
        }
    }

    @Test
    void autoPadSame() {
        Random r = new Random(5);
        float[] x = random(r, 2 * 6 * 6);
        float[] w = random(r, 3 * 2 * 9);
        Tensor[] in = {Tensor.of(x, 1, 2, 6, 6), Tensor.of(w, 3, 2, 3, 3)};
        // in 6, k 3, s 2: out 3, total pad 1: SAME_UPPER puts it at the end, SAME_LOWER at the start.
        Tensor up = ConvOps.conv(node("Conv", GemmTestContext.string("auto_pad", "SAME_UPPER"), ints("strides", 2, 2)),
                in, CTX)[0];
        Tensor low = ConvOps.conv(node("Conv", GemmTestContext.string("auto_pad", "SAME_LOWER"), ints("strides", 2, 2)),
                in, CTX)[0];
        assertArrayEquals(new long[] {1, 3, 3, 3}, up.shape());
        assertClose(refConv(new Case(1, 2, 3, 1, a(6, 6), a(3, 3), a(2, 2), a(1, 1), a(0, 0), a(1, 1)), x, w, null),
                up.toFloatArray(), 1e-5);
        assertClose(refConv(new Case(1, 2, 3, 1, a(6, 6), a(3, 3), a(2, 2), a(1, 1), a(1, 1), a(0, 0)), x, w, null),
                low.toFloatArray(), 1e-5);
        Tensor valid = ConvOps.conv(node("Conv", GemmTestContext.string("auto_pad", "VALID"), ints("strides", 2, 2)),
                in, CTX)[0];
        assertArrayEquals(new long[] {1, 3, 2, 2}, valid.shape());
    }

    /** ConvTranspose in double: scatter each input element through the kernel. */
    private static double[] refTranspose(Case t, int[] outPad, float[] x, float[] w, float[] b, int[] out) {
        int[] in = {t.at(t.in, 0, 1), t.at(t.in, 1, 1), t.at(t.in, 2, 1)};
        int[] k = {t.at(t.k, 0, 1), t.at(t.k, 1, 1), t.at(t.k, 2, 1)};
        int[] o = new int[3];
        for (int i = 0; i < 3; i++) {
            int ext = (k[i] - 1) * t.at(t.d, i, 1) + 1;
            o[i] = t.at(t.s, i, 1) * (in[i] - 1) + t.at(outPad, i, 0) + ext - t.at(t.pb, i, 0) - t.at(t.pe, i, 0);
        }
        for (int i = 0; i < t.dims(); i++) {
            out[i] = o[3 - t.dims() + i];
        }
        int cg = t.c / t.group;
        int mg = t.m / t.group;
        double[] y = new double[t.n * t.m * o[0] * o[1] * o[2]];
        for (int img = 0; img < t.n; img++) {
            for (int ch = 0; ch < t.c; ch++) {
                int gr = ch / cg;
                for (int z = 0; z < in[0]; z++) {
                    for (int yy = 0; yy < in[1]; yy++) {
                        for (int xx = 0; xx < in[2]; xx++) {
                            double xv = x[(((img * t.c + ch) * in[0] + z) * in[1] + yy) * in[2] + xx];
                            for (int ocg = 0; ocg < mg; ocg++) {
                                int oc = gr * mg + ocg;
                                for (int kz = 0; kz < k[0]; kz++) {
                                    for (int ky = 0; ky < k[1]; ky++) {
                                        for (int kx = 0; kx < k[2]; kx++) {
                                            int oz = z * t.at(t.s, 0, 1) - t.at(t.pb, 0, 0) + kz * t.at(t.d, 0, 1);
                                            int oy = yy * t.at(t.s, 1, 1) - t.at(t.pb, 1, 0) + ky * t.at(t.d, 1, 1);
                                            int ox = xx * t.at(t.s, 2, 1) - t.at(t.pb, 2, 0) + kx * t.at(t.d, 2, 1);
                                            if (oz < 0 || oz >= o[0] || oy < 0 || oy >= o[1] || ox < 0 || ox >= o[2]) {
                                                continue;
                                            }
                                            double wv = w[(((ch * mg + ocg) * k[0] + kz) * k[1] + ky) * k[2] + kx];
                                            y[(((img * t.m + oc) * o[0] + oz) * o[1] + oy) * o[2] + ox] += xv * wv;
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if (b != null) {
            int plane = o[0] * o[1] * o[2];
            for (int i = 0; i < y.length; i++) {
                y[i] += b[(i / plane) % t.m];
            }
        }
        return y;
    }

    @Test
    void convTransposeRandomGeometries() {
        Random r = new Random(11);
        record TCase(Case c, int[] outPad) { }
        List<TCase> cases = List.of(
                new TCase(new Case(1, 3, 4, 1, a(5, 6), a(3, 3), a(2, 2), a(1, 1), a(1, 1), a(1, 1)), a(1, 1)),
                new TCase(new Case(2, 4, 6, 2, a(4, 3), a(2, 3), a(1, 2), a(2, 1), a(0, 1), a(1, 0)), a(0, 1)),
                new TCase(new Case(1, 4, 4, 4, a(7, 7), a(4, 4), a(2, 2), a(1, 1), a(1, 1), a(1, 1)), a(0, 0)),
                new TCase(new Case(1, 2, 3, 1, a(9), a(3), a(3), a(1), a(0), a(0)), a(2)),
                new TCase(new Case(1, 2, 2, 1, a(3, 4, 3), a(2, 2, 3), a(2, 1, 2), a(1, 1, 1), a(0, 1, 0), a(1, 0, 1)),
                        a(1, 0, 1)));
        for (TCase tc : cases) {
            Case t = tc.c();
            int mg = t.m / t.group;
            float[] x = random(r, OpUtil.size(shape(t.n, t.c, t.in)));
            float[] w = random(r, OpUtil.size(shape(t.c, mg, t.k)));
            float[] b = random(r, t.m);
            int[] out = new int[t.dims()];
            double[] want = refTranspose(t, tc.outPad(), x, w, b, out);
            Attribute[] attrs = {ints("strides", longs(t.s)), ints("dilations", longs(t.d)),
                ints("pads", concat(t.pb, t.pe)), ints("output_padding", longs(tc.outPad())),
                GemmTestContext.integer("group", t.group)};
            Tensor[] in = {Tensor.of(x, shape(t.n, t.c, t.in)), Tensor.of(w, shape(t.c, mg, t.k)), Tensor.of(b, t.m)};
            Tensor y = ConvOps.convTranspose(node("ConvTranspose", attrs), in, CTX)[0];
            assertArrayEquals(shape(t.n, t.m, out), y.shape(), "shape of " + t);
            assertClose(want, y.toFloatArray(), 1e-4);
            Tensor[] din = {in[0].convertTo(DataType.DOUBLE), in[1].convertTo(DataType.DOUBLE), in[2].convertTo(DataType.DOUBLE)};
            Tensor yd = ConvOps.convTranspose(node("ConvTranspose", attrs), din, CTX)[0];
            assertClose(want, yd.toFloatArray(), 1e-6);
        }
    }

    @Test
    void convIntegerByHand() {
        // x - 1 = [[1, 2], [3, 4]], w = ones(2x2), no padding: one output, 10.
        Tensor x = Tensor.ofBytes(DataType.UINT8, new byte[] {2, 3, 4, 5}, 1, 1, 2, 2);
        Tensor w = Tensor.ofBytes(DataType.UINT8, new byte[] {1, 1, 1, 1}, 1, 1, 2, 2);
        Tensor zp = Tensor.ofBytes(DataType.UINT8, new byte[] {1});
        Tensor y = ConvOps.convInteger(node("ConvInteger"), new Tensor[] {x, w, zp}, CTX)[0];
        assertArrayEquals(new int[] {10}, y.toIntArray());
    }
}
