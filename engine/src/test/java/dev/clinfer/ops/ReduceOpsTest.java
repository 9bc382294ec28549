package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.clinfer.ops.GatherScatterTestSupport.node;
import static dev.clinfer.ops.GatherScatterTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReduceOpsTest {
    private static final String[] OPS = {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
        "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"};

    /** Float64 reference: reduces a [2,3,4] tensor over the marked axes, keepdims layout. */
    private static double[] reference(String op, double[] x, boolean[] red) {
        int[] dims = {2, 3, 4};
        int[] od = new int[3];
        for (int a = 0; a < 3; a++) {
            od[a] = red[a] ? 1 : dims[a];
        }
        int n = od[0] * od[1] * od[2];
        double[] out = new double[n];
        for (int o = 0; o < n; o++) {
            int o0 = o / (od[1] * od[2]);
            int o1 = o / od[2] % od[1];
            int o2 = o % od[2];
            java.util.List<Double> vals = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    for (int k = 0; k < 4; k++) {
                        if ((red[0] || i == o0) && (red[1] || j == o1) && (red[2] || k == o2)) {
                            vals.add(x[(i * 3 + j) * 4 + k]);
                        }
                    }
                }
            }
            double s = 0;
            double p = 1;
            double mx = Double.NEGATIVE_INFINITY;
            double mn = Double.POSITIVE_INFINITY;
            double l1 = 0;
            double sq = 0;
            double se = 0;
            for (double v : vals) {
                s += v;
                p *= v;
                mx = Math.max(mx, v);
                mn = Math.min(mn, v);
                l1 += Math.abs(v);
                sq += v * v;
                se += Math.exp(v);
            }
            switch (op) {
                case "ReduceSum": out[o] = s; break;
                case "ReduceMean": out[o] = s / vals.size(); break;
                case "ReduceMax": out[o] = mx; break;
                case "ReduceMin": out[o] = mn; break;
                case "ReduceProd": out[o] = p; break;
                case "ReduceL1": out[o] = l1; break;
                case "ReduceL2": out[o] = Math.sqrt(sq); break;
                case "ReduceLogSum": out[o] = Math.log(s); break;
                case "ReduceLogSumExp": out[o] = Math.log(se); break;
                default: out[o] = sq; break;
            }
        }
        return out;
    }

    @Test
    void everyReductionOverSeveralAxisSetsMatchesReference() {
        Random rnd = new Random(7);
        float[] xf = new float[24];
        double[] xd = new double[24];
        for (int i = 0; i < 24; i++) {
            xf[i] = 0.1f + rnd.nextFloat() * 2;
            xd[i] = xf[i];
        }
        long[][] axesSets = {{1}, {0, 2}, {2}, {0}, {-1, -2}, {0, 1, 2}};
        for (String op : OPS) {
            for (long[] axes : axesSets) {
                boolean[] red = new boolean[3];
                for (long a : axes) {
                    red[(int) (a < 0 ? a + 3 : a)] = true;
                }
                double[] want = reference(op, xd, red);
                for (int keep = 0; keep <= 1; keep++) {
                    // opset 18: axes as input; opset 11: axes as attribute
                    Tensor y18 = run(node(op, 18, "keepdims", (long) keep), Tensor.of(xf, 2, 3, 4),
                            Tensor.ofLongs(axes, axes.length))[0];
                    Tensor y11 = run(node(op, 11, "keepdims", (long) keep, "axes", axes), Tensor.of(xf, 2, 3, 4))[0];
                    Tensor yd = run(node(op, 18, "keepdims", (long) keep), Tensor.ofDoubles(xd, 2, 3, 4),
                            Tensor.ofLongs(axes, axes.length))[0];
                    assertEquals(keep == 1 ? 3 : 3 - axes.length, y18.rank(), op);
                    float[] wf = new float[want.length];
                    for (int i = 0; i < wf.length; i++) {
                        wf[i] = (float) want[i];
                    }
                    assertArrayEquals(wf, y18.toFloatArray(), 1e-4f * 50, op + " " + java.util.Arrays.toString(axes));
                    assertArrayEquals(wf, y11.toFloatArray(), 1e-4f * 50, op);
                    assertArrayEquals(want, yd.toDoubleArray(), 1e-9 * 1e3, op);
                }
            }
        }
    }

    @Test
    void defaultAxesReduceAllAndNoopReturnsInput() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor all = run(node("ReduceSum", 13, "keepdims", 0L), x)[0];
        assertEquals(0, all.rank());
        assertEquals(10f, all.toFloatArray()[0]);
        Tensor noop = run(node("ReduceSum", 13, "noop_with_empty_axes", 1L), x, Tensor.ofLongs(new long[0], 0))[0];
        assertSame(x, noop);
    }

    @Test
    void emptySetReductions() {
        Tensor x = Tensor.of(new float[0], 2, 0);
        Tensor axes = Tensor.ofLongs(new long[] {1}, 1);
        assertArrayEquals(new float[] {0, 0}, run(node("ReduceSum", 13), x, axes)[0].toFloatArray());
        assertArrayEquals(new float[] {1, 1}, run(node("ReduceProd", 18), x, axes)[0].toFloatArray());
        float[] mx = run(node("ReduceMax", 18), x, axes)[0].toFloatArray();
        assertEquals(Float.NEGATIVE_INFINITY, mx[0]);
        float[] lse = run(node("ReduceLogSumExp", 18), x, axes)[0].toFloatArray();
        assertEquals(Float.NEGATIVE_INFINITY, lse[0]);
    }

    @Test
    void int64ExtremesStayExact() {
        Tensor x = Tensor.ofLongs(new long[] {Long.MAX_VALUE, 3, Long.MAX_VALUE - 1, -5}, 2, 2);
        Tensor y = run(node("ReduceMax", 13, "axes", new long[] {1}, "keepdims", 0L), x)[0];
        assertEquals(DataType.INT64, y.dataType());
        assertArrayEquals(new long[] {Long.MAX_VALUE, Long.MAX_VALUE - 1}, y.toLongArray());
    }

    @Test
    void argMaxSelectLastIndexAndArgMinKeepdims() {
        Tensor x = Tensor.of(new float[] {2, 5, 5, 1, 0, 0}, 2, 3);
        Tensor first = run(node("ArgMax", 13, "axis", 1L, "keepdims", 0L), x)[0];
        assertArrayEquals(new long[] {1, 0}, first.toLongArray());
        Tensor last = run(node("ArgMax", 13, "axis", 1L, "keepdims", 0L, "select_last_index", 1L), x)[0];
        assertArrayEquals(new long[] {2, 0}, last.toLongArray());
        Tensor min = run(node("ArgMin", 13, "axis", -1L, "select_last_index", 1L), x)[0];
        assertArrayEquals(new long[] {2, 1}, min.shape());
        assertArrayEquals(new long[] {0, 2}, min.toLongArray());
    }

    @Test
    void topKTiesKeepLowerIndexAndSmallest() {
        Tensor x = Tensor.of(new float[] {3, 1, 3, 2, 3, 0}, 1, 6);
        Tensor[] y = run(node("TopK", 11), x, Tensor.ofLongs(new long[] {4}, 1));
        assertArrayEquals(new float[] {3, 3, 3, 2}, y[0].toFloatArray());
        assertArrayEquals(new long[] {0, 2, 4, 3}, y[1].toLongArray());
        Tensor[] s = run(node("TopK", 1, "k", 2L, "largest", 0L), x);
        assertArrayEquals(new float[] {0, 1}, s[0].toFloatArray());
        assertArrayEquals(new long[] {5, 1}, s[1].toLongArray());
    }

    @Test
    void topKAlongAxis0MatchesSortReference() {
        Random rnd = new Random(3);
        int n = 200;
        float[] v = new float[n * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextInt(50);
        }
        Tensor[] y = run(node("TopK", 11, "axis", 0L), Tensor.of(v, n, 3), Tensor.ofLongs(new long[] {7}, 1));
        for (int c = 0; c < 3; c++) {
            int col = c;
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            // stable sort by value descending keeps lower indices first on ties
            java.util.Arrays.sort(order, (a, b) -> Float.compare(v[b * 3 + col], v[a * 3 + col]));
            for (int j = 0; j < 7; j++) {
                assertEquals(order[j].longValue(), y[1].getLong(j * 3 + c));
                assertEquals(v[order[j] * 3 + c], y[0].getDouble(j * 3 + c));
            }
        }
    }

    @Test
    void cumSumExclusiveReverse() {
        Tensor x = Tensor.ofInts(new int[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor axis = Tensor.ofInts(new int[] {1});
        assertArrayEquals(new int[] {1, 3, 6, 4, 9, 15}, run(node("CumSum", 14), x, axis)[0].toIntArray());
        assertArrayEquals(new int[] {5, 3, 0, 11, 6, 0},
                run(node("CumSum", 14, "exclusive", 1L, "reverse", 1L), x, axis)[0].toIntArray());
        Tensor f = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new float[] {1, 2, 3, 5, 7, 9},
                run(node("CumSum", 14), f, Tensor.ofLongs(new long[] {-2}))[0].toFloatArray());
    }

    @Test
    void largeFloatReductionRunsInParallelAndMatches() {
        int rows = 64;
        int cols = 3000;
        float[] x = new float[rows * cols];
        Random rnd = new Random(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat() - 0.5f;
        }
        Tensor t = Tensor.of(x, rows, cols);
        Tensor last = run(node("ReduceMean", 13, "axes", new long[] {1}), t)[0];
        Tensor first = run(node("ReduceSum", 13, "keepdims", 0L), t, Tensor.ofLongs(new long[] {0}, 1))[0];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0; c < cols; c++) {
                s += x[r * cols + c];
            }
            assertEquals(s / cols, last.getDouble(r), 1e-6);
        }
        for (int c = 0; c < cols; c++) {
            double s = 0;
            for (int r = 0; r < rows; r++) {
                s += x[r * cols + c];
            }
            assertTrue(Math.abs(s - first.getDouble(c)) < 1e-5, "column " + c);
        }
    }
}
