package dev.clinfer.ops;

import dev.clinfer.api.Tensor;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static dev.clinfer.ops.GatherScatterTestSupport.node;
import static dev.clinfer.ops.GatherScatterTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class EinsumOpsTest {
    private static final Random RND = new Random(11);

    private static Tensor random(long... shape) {
        double[] v = new double[(int) Tensor.elementCount(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = RND.nextInt(7) - 3;
        }
        return Tensor.ofDoubles(v, shape);
    }

    /**
     * Brute-force float64 reference for explicit, letter-only equations: loops over every
     * assignment of every label.
     */
    private static double[] reference(String eq, Tensor... in) {
        String[] sides = eq.split("->", -1);
        String[] terms = sides[0].split(",");
        String out = sides[1];
        Map<Character, Integer> size = new HashMap<>();
        for (int t = 0; t < terms.length; t++) {
            for (int a = 0; a < terms[t].length(); a++) {
                size.put(terms[t].charAt(a), (int) in[t].dim(a));
            }
        }
        char[] labels = new char[size.size()];
        int n = 0;
        for (char c : size.keySet()) {
            labels[n++] = c;
        }
        int outN = 1;
        for (char c : out.toCharArray()) {
            outN *= size.get(c);
        }
        double[] res = new double[outN];
        int[] val = new int[labels.length];
        while (true) {
            Map<Character, Integer> v = new HashMap<>();
            for (int i = 0; i < labels.length; i++) {
                v.put(labels[i], val[i]);
            }
            double p = 1;
            for (int t = 0; t < terms.length; t++) {
                int off = 0;
                for (int a = 0; a < terms[t].length(); a++) {
                    off = off * (int) in[t].dim(a) + v.get(terms[t].charAt(a));
                }
                p *= in[t].getDouble(off);
            }
            int o = 0;
            for (char c : out.toCharArray()) {
                o = o * size.get(c) + v.get(c);
            }
            res[o] += p;
            int i = labels.length - 1;
            while (i >= 0 && ++val[i] == size.get(labels[i])) {
                val[i--] = 0;
            }
            if (i < 0) {
                break;
            }
        }
        return res;
    }

    private static void check(String eq, Tensor... in) {
        Tensor y = run(node("Einsum", 12, "equation", eq), in)[0];
        assertArrayEquals(reference(eq, in), y.toDoubleArray(), 1e-9, eq);
    }

    @Test
    void commonFormsMatchBruteForce() {
        check("bij,bjk->bik", random(2, 3, 4), random(2, 4, 5));
        check("ij,jk->ik", random(3, 4), random(4, 2));
        check("ij->ji", random(3, 4));
        check("ij->i", random(3, 4));
        check("ij->", random(3, 4));
        check("i,i->", random(5), random(5));
        check("i,j->ij", random(3), random(4));
        check("ii->i", random(3, 3));
        check("bii->bi", random(2, 3, 3));
        check("ij,jk,kl->il", random(2, 3), random(3, 4), random(4, 2));
        check("bhid,bhjd->bhij", random(2, 2, 3, 4), random(2, 2, 5, 4));
        check("ijk,ik->j", random(2, 3, 4), random(2, 4));
        check("iij,jk->ik", random(3, 3, 2), random(2, 4));
    }

    @Test
    void implicitOutputIsSortedSingleLabels() {
        Tensor a = random(3, 4);
        Tensor b = random(4, 2);
        Tensor y = run(node("Einsum", 12, "equation", "ij,jk"), a, b)[0];
        assertArrayEquals(reference("ij,jk->ik", a, b), y.toDoubleArray(), 1e-9);
        Tensor t = run(node("Einsum", 12, "equation", "ba"), a)[0];
        assertArrayEquals(new long[] {4, 3}, t.shape());
        assertArrayEquals(reference("ba->ab", a), t.toDoubleArray(), 1e-9);
    }

    @Test
    void ellipsisBroadcastsBatchDims() {
        Tensor a = random(2, 1, 3, 4);
        Tensor b = random(5, 4, 2);
        Tensor y = run(node("Einsum", 12, "equation", "...ij,...jk->...ik"), a, b)[0];
        assertArrayEquals(new long[] {2, 5, 3, 2}, y.shape());
        for (int p = 0; p < 2; p++) {
            for (int q = 0; q < 5; q++) {
                for (int i = 0; i < 3; i++) {
                    for (int k = 0; k < 2; k++) {
                        double s = 0;
                        for (int j = 0; j < 4; j++) {
                            s += a.getDouble((p * 3 + i) * 4 + j) * b.getDouble((q * 4 + j) * 2 + k);
                        }
                        assertArrayEquals(new double[] {s}, new double[] {y.getDouble(((p * 5 + q) * 3 + i) * 2 + k)});
                    }
                }
            }
        }
    }

    @Test
    void float32BatchedMatmul() {
        float[] a = {1, 2, 3, 4};
        float[] b = {5, 6, 7, 8};
        Tensor y = run(node("Einsum", 12, "equation", "bij,bjk->bik"), Tensor.of(a, 1, 2, 2), Tensor.of(b, 1, 2, 2))[0];
        assertArrayEquals(new float[] {19, 22, 43, 50}, y.toFloatArray());
    }
}
