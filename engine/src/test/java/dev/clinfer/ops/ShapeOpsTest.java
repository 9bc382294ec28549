package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.cpu.ComputePool;
import dev.clinfer.cpu.Interpreter;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ShapeOps kernels against hand-computed values and naive index-arithmetic references. */
class ShapeOpsTest {
    private static final ComputePool POOL = new ComputePool(2);
    private static final ExecContext CTX = new Interpreter(POOL, null).loadTimeContext();

    @AfterAll
    static void close() {
        POOL.close();
    }

    static Attribute ints(String name, long... v) {
        return new Attribute(name, Attribute.Type.INTS, 0, 0, null, null, null, null, v, null, null, null);
    }

    static Attribute i(String name, long v) {
        return new Attribute(name, Attribute.Type.INT, 0, v, null, null, null, null, null, null, null, null);
    }

    static Attribute f(String name, float v) {
        return new Attribute(name, Attribute.Type.FLOAT, v, 0, null, null, null, null, null, null, null, null);
    }

    static Attribute s(String name, String v) {
        return new Attribute(name, Attribute.Type.STRING, 0, 0, v, null, null, null, null, null, null, null);
    }

    static Attribute floats(String name, float... v) {
        return new Attribute(name, Attribute.Type.FLOATS, 0, 0, null, null, null, v, null, null, null, null);
    }

    static Tensor[] run(String op, int opset, int outputs, Tensor[] in, Attribute... attrs) {
        Map<String, Attribute> m = new LinkedHashMap<>();
        for (Attribute a : attrs) {
            m.put(a.name(), a);
        }
        List<String> ins = new ArrayList<>();
        for (int k = 0; k < in.length; k++) {
            ins.add(in[k] == null ? "" : "in" + k);
        }
        List<String> outs = new ArrayList<>();
        for (int k = 0; k < outputs; k++) {
            outs.add("out" + k);
        }
        Node n = new Node("t", op, "", ins, outs, m, opset);
        return OpRegistry.defaultRegistry().find("", op).run(n, in, CTX);
    }

    static Tensor run1(String op, int opset, Tensor[] in, Attribute... attrs) {
        return run(op, opset, 1, in, attrs)[0];
    }

    static Tensor longs(long... v) {
        return Tensor.ofLongs(v, v.length);
    }

    static Tensor iota(long... shape) {
        float[] v = new float[(int) Tensor.elementCount(shape)];
        for (int k = 0; k < v.length; k++) {
            v[k] = k;
        }
        return Tensor.of(v, shape);
    }

    /** Naive reference: out[idx] = in[idx permuted], by explicit index arithmetic. */
    static double[] transposeRef(double[] x, long[] shape, int[] perm) {
        int r = shape.length;
        long[] os = new long[r];
        for (int k = 0; k < r; k++) {
            os[k] = shape[perm[k]];
        }
        double[] out = new double[x.length];
        int[] idx = new int[r];
        for (int o = 0; o < out.length; o++) {
            int rem = o;
            for (int k = r - 1; k >= 0; k--) {
                idx[k] = (int) (rem % os[k]);
                rem /= os[k];
            }
            int src = 0;
            for (int d = 0; d < r; d++) {
                int at = 0;
                for (int k = 0; k < r; k++) {
                    if (perm[k] == d) {
                        at = idx[k];
                    }
                }
                src = (int) (src * shape[d] + at);
            }
            out[o] = x[src];
        }
        return out;
    }

    @Test
    void transposeMatchesReferenceForManyPermsAndTypes() {
        Random rnd = new Random(1);
        long[][] shapes = {{70, 45}, {3, 40, 37}, {2, 3, 4, 5}, {1, 33, 1, 65}, {2, 1, 3}};
        for (long[] shape : shapes) {
            int r = shape.length;
            List<int[]> perms = new ArrayList<>();
            permutations(new int[r], new boolean[r], 0, perms);
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.INT64, DataType.INT8, DataType.FLOAT16}) {
                Tensor x = Tensor.allocate(type, shape);
                for (int k = 0; k < x.numel(); k++) {
                    x.setDouble(k, rnd.nextInt(100) - 50);
                }
                double[] xs = x.toDoubleArray();
                for (int[] perm : perms) {
                    long[] p = Arrays.stream(perm).asLongStream().toArray();
                    Tensor y = run1("Transpose", 13, new Tensor[] {x}, ints("perm", p));
                    assertArrayEquals(transposeRef(xs, shape, perm), y.toDoubleArray(),
                            type + " " + Arrays.toString(shape) + " perm " + Arrays.toString(perm));
                }
            }
        }
    }

    private static void permutations(int[] cur, boolean[] used, int at, List<int[]> out) {
        if (at == cur.length) {
            out.add(cur.clone());
            return;
        }
        for (int v = 0; v < cur.length; v++) {
            if (!used[v]) {
                used[v] = true;
                cur[at] = v;
                permutations(cur, used, at + 1, out);
                used[v] = false;
            }
        }
    }

    @Test
    void transposeStringsAndDefaultPerm() {
        Tensor x = Tensor.ofStrings(new String[] {"a", "b", "c", "d", "e", "f"}, 2, 3);
        Tensor y = run1("Transpose", 13, new Tensor[] {x});
        assertArrayEquals(new long[] {3, 2}, y.shape());
        assertArrayEquals(new String[] {"a", "d", "b", "e", "c", "f"}, y.strings());
    }

    @Test
    void reshapeIsAViewWithZeroAndMinusOne() {
        Tensor x = iota(2, 3, 4);
        Tensor y = run1("Reshape", 13, new Tensor[] {x, longs(0, -1, 2)});
        assertArrayEquals(new long[] {2, 6, 2}, y.shape());
        assertTrue(y.sharesStorageWith(x));
        Tensor z = run1("Reshape", 14, new Tensor[] {Tensor.allocate(DataType.FLOAT, 0, 3), longs(3, 0)},
                i("allowzero", 1));
        assertArrayEquals(new long[] {3, 0}, z.shape());
        Tensor old = run1("Reshape", 1, new Tensor[] {x}, ints("shape", 4, -1));
        assertArrayEquals(new long[] {4, 6}, old.shape());
        assertThrows(RuntimeException.class, () -> run1("Reshape", 13, new Tensor[] {x, longs(5, -1)}));
    }

    @Test
    void flattenSqueezeUnsqueeze() {
        Tensor x = iota(2, 3, 4, 5);
        assertArrayEquals(new long[] {1, 120}, run1("Flatten", 13, new Tensor[] {x}, i("axis", 0)).shape());
        assertArrayEquals(new long[] {6, 20}, run1("Flatten", 13, new Tensor[] {x}, i("axis", -2)).shape());
        assertArrayEquals(new long[] {120, 1}, run1("Flatten", 13, new Tensor[] {x}, i("axis", 4)).shape());
        Tensor y = iota(1, 3, 1, 2);
        assertArrayEquals(new long[] {3, 2}, run1("Squeeze", 13, new Tensor[] {y}).shape());
        assertArrayEquals(new long[] {3, 1, 2}, run1("Squeeze", 11, new Tensor[] {y}, ints("axes", 0)).shape());
        assertArrayEquals(new long[] {1, 3, 2}, run1("Squeeze", 13, new Tensor[] {y, longs(-2)}).shape());
        assertArrayEquals(new long[] {1, 1, 3, 1, 2, 1},
                run1("Unsqueeze", 13, new Tensor[] {y, longs(-1, 1)}).shape());
        assertArrayEquals(new long[] {1, 3, 1, 2, 1}, run1("Unsqueeze", 11, new Tensor[] {y}, ints("axes", 4)).shape());
    }

    @Test
    void sliceWithNegativeStepsAndHugeEnds() {
        Tensor x = iota(3, 5);
        // rows reversed from the end, every column from 1 on.
        Tensor y = run1("Slice", 13, new Tensor[] {x, longs(-1, 1), longs(Long.MIN_VALUE, Long.MAX_VALUE),
            longs(0, 1), longs(-1, 2)});
        assertArrayEquals(new long[] {3, 2}, y.shape());
        assertArrayEquals(new float[] {11, 13, 6, 8, 1, 3}, y.toFloatArray());
        Tensor old = run1("Slice", 1, new Tensor[] {x}, ints("starts", 1), ints("ends", 1000), ints("axes", 0));
        assertArrayEquals(new float[] {5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, old.toFloatArray());
        Tensor empty = run1("Slice", 13, new Tensor[] {x, longs(4), longs(2), longs(1)});
        assertArrayEquals(new long[] {3, 0}, empty.shape());
    }

    @Test
    void concatAndSplit() {
        Tensor a = Tensor.ofLongs(new long[] {1, 2, 3, 4}, 2, 2);
        Tensor b = Tensor.ofLongs(new long[] {5, 6}, 2, 1);
        Tensor c = run1("Concat", 13, new Tensor[] {a, b}, i("axis", -1));
        assertArrayEquals(new long[] {1, 2, 5, 3, 4, 6}, c.toLongArray());
        Tensor x = iota(7);
        Tensor[] parts = run("Split", 18, 3, new Tensor[] {x}, i("num_outputs", 3));
        assertArrayEquals(new float[] {0, 1, 2}, parts[0].toFloatArray());
        assertArrayEquals(new float[] {3, 4, 5}, parts[1].toFloatArray());
        assertArrayEquals(new float[] {6}, parts[2].toFloatArray());
        Tensor[] var = run("Split", 13, 2, new Tensor[] {iota(2, 4), longs(1, 3)}, i("axis", 1));
        assertArrayEquals(new float[] {0, 4}, var[0].toFloatArray());
        assertArrayEquals(new float[] {1, 2, 3, 5, 6, 7}, var[1].toFloatArray());
        Tensor[] eq = run("Split", 11, 2, new Tensor[] {iota(4)});
        assertArrayEquals(new float[] {2, 3}, eq[1].toFloatArray());
    }

    @Test
    void padModes() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor pads = longs(0, 2, 0, 1);
        assertArrayEquals(new float[] {9, 9, 1, 2, 3, 9, 9, 9, 4, 5, 6, 9},
                run1("Pad", 13, new Tensor[] {x, pads, Tensor.scalar(9f)}).toFloatArray());
        assertArrayEquals(new float[] {3, 2, 1, 2, 3, 2, 6, 5, 4, 5, 6, 5},
                run1("Pad", 13, new Tensor[] {x, pads}, s("mode", "reflect")).toFloatArray());
        assertArrayEquals(new float[] {1, 1, 1, 2, 3, 3, 4, 4, 4, 5, 6, 6},
                run1("Pad", 13, new Tensor[] {x, pads}, s("mode", "edge")).toFloatArray());
        assertArrayEquals(new float[] {2, 3, 1, 2, 3, 1, 5, 6, 4, 5, 6, 4},
                run1("Pad", 18, new Tensor[] {x, pads}, s("mode", "wrap")).toFloatArray());
        // opset 2 attributes; a negative pad crops.
        Tensor old = run1("Pad", 2, new Tensor[] {x}, ints("pads", 1, -1, 0, 0), f("value", -1));
        assertArrayEquals(new long[] {3, 2}, old.shape());
        assertArrayEquals(new float[] {-1, -1, 2, 3, 5, 6}, old.toFloatArray());
        // opset 18 axes: pad only the last axis.
        Tensor ax = run1("Pad", 18, new Tensor[] {x, longs(1, 0), null, longs(-1)});
        assertArrayEquals(new float[] {0, 1, 2, 3, 0, 4, 5, 6}, ax.toFloatArray());
    }

    @Test
    void expandTileCenterCropPad() {
        Tensor x = Tensor.ofInts(new int[] {1, 2, 3}, 3, 1);
        Tensor e = run1("Expand", 13, new Tensor[] {x, longs(2, 1, 2)});
        assertArrayEquals(new long[] {2, 3, 2}, e.shape());
        assertArrayEquals(new int[] {1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3}, e.toIntArray());
        Tensor t = run1("Tile", 13, new Tensor[] {Tensor.ofInts(new int[] {1, 2, 3, 4}, 2, 2), longs(2, 2)});
        assertArrayEquals(new int[] {1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4}, t.toIntArray());
        Tensor ccp = run1("CenterCropPad", 18, new Tensor[] {iota(4, 2), longs(2, 4)});
        assertArrayEquals(new float[] {0, 2, 3, 0, 0, 4, 5, 0}, ccp.toFloatArray());
    }

    @Test
    void depthToSpaceAndBack() {
        Tensor x = iota(1, 8, 2, 3);
        double[] xs = x.toDoubleArray();
        for (String mode : new String[] {"DCR", "CRD"}) {
            Tensor y = run1("DepthToSpace", 13, new Tensor[] {x}, i("blocksize", 2), s("mode", mode));
            assertArrayEquals(new long[] {1, 2, 4, 6}, y.shape());
            for (int c = 0; c < 2; c++) {
                for (int h = 0; h < 4; h++) {
                    for (int w = 0; w < 6; w++) {
                        int bh = h % 2;
                        int bw = w % 2;
                        int ic = mode.equals("DCR") ? (bh * 2 + bw) * 2 + c : c * 4 + bh * 2 + bw;
                        double want = xs[(ic * 2 + h / 2) * 3 + w / 2];
                        assertEquals(want, y.getDouble((c * 4 + h) * 6 + w), mode);
                    }
                }
            }
        }
        Tensor y = run1("DepthToSpace", 13, new Tensor[] {x}, i("blocksize", 2));
        Tensor back = run1("SpaceToDepth", 13, new Tensor[] {y}, i("blocksize", 2));
        assertArrayEquals(x.toFloatArray(), back.toFloatArray());
    }

    @Test
    void triluCompressNonZero() {
        Tensor x = iota(3, 4);
        assertArrayEquals(new float[] {0, 1, 2, 3, 0, 5, 6, 7, 0, 0, 10, 11},
                run1("Trilu", 14, new Tensor[] {x}).toFloatArray());
        assertArrayEquals(new float[] {0, 1, 0, 0, 4, 5, 6, 0, 8, 9, 10, 11},
                run1("Trilu", 14, new Tensor[] {x, Tensor.scalar(1L)}, i("upper", 0)).toFloatArray());
        Tensor cond = Tensor.ofBooleans(new boolean[] {false, true, true}, 3);
        assertArrayEquals(new float[] {4, 5, 6, 7, 8, 9, 10, 11},
                run1("Compress", 11, new Tensor[] {x, cond}, i("axis", 0)).toFloatArray());
        assertArrayEquals(new float[] {1, 2}, run1("Compress", 11, new Tensor[] {x, cond}).toFloatArray());
        Tensor nz = run1("NonZero", 13, new Tensor[] {Tensor.ofInts(new int[] {1, 0, 0, 3}, 2, 2)});
        assertArrayEquals(new long[] {2, 2}, nz.shape());
        assertArrayEquals(new long[] {0, 1, 0, 1}, nz.toLongArray());
    }

    @Test
    void uniqueSortedAndUnsorted() {
        Tensor x = Tensor.of(new float[] {2, 1, 1, 3, 4, 3}, 6);
        Tensor[] s = run("Unique", 11, 4, new Tensor[] {x});
        assertArrayEquals(new float[] {1, 2, 3, 4}, s[0].toFloatArray());
        assertArrayEquals(new long[] {1, 0, 3, 4}, s[1].toLongArray());
        assertArrayEquals(new long[] {1, 0, 0, 2, 3, 2}, s[2].toLongArray());
        assertArrayEquals(new long[] {2, 1, 2, 1}, s[3].toLongArray());
        Tensor[] u = run("Unique", 11, 4, new Tensor[] {x}, i("sorted", 0));
        assertArrayEquals(new float[] {2, 1, 3, 4}, u[0].toFloatArray());
        assertArrayEquals(new long[] {0, 1, 3, 4}, u[1].toLongArray());
        assertArrayEquals(new long[] {0, 1, 1, 2, 3, 2}, u[2].toLongArray());
        assertArrayEquals(new long[] {1, 2, 2, 1}, u[3].toLongArray());
        Tensor rows = Tensor.ofLongs(new long[] {1, 0, 0, 1, 1, 0, 0, 1}, 4, 2);
        Tensor[] ax = run("Unique", 11, 4, new Tensor[] {rows}, i("axis", 0));
        assertArrayEquals(new long[] {0, 1, 1, 0}, ax[0].toLongArray());
        assertArrayEquals(new long[] {1, 0}, ax[1].toLongArray());
        assertArrayEquals(new long[] {1, 0, 1, 0}, ax[2].toLongArray());
        assertArrayEquals(new long[] {2, 2}, ax[3].toLongArray());
    }

    @Test
    void reverseSequenceAndRange() {
        Tensor x = iota(4, 2); // [time, batch]
        Tensor y = run1("ReverseSequence", 10, new Tensor[] {x, longs(3, 1)});
        assertArrayEquals(new float[] {4, 1, 2, 3, 0, 5, 6, 7}, y.toFloatArray());
        assertArrayEquals(new long[] {10, 7, 4},
                run1("Range", 11, new Tensor[] {Tensor.scalar(10L), Tensor.scalar(3L), Tensor.scalar(-3L)}).toLongArray());
        assertArrayEquals(new float[] {1f, 1.5f, 2f, 2.5f},
                run1("Range", 11, new Tensor[] {Tensor.scalar(1f), Tensor.scalar(2.6f), Tensor.scalar(0.5f)})
                        .toFloatArray(), 1e-6f);
    }

    @Test
    void constantsAndShapes() {
        Tensor c = run1("Constant", 13, new Tensor[0], floats("value_floats", 1.5f, 2f));
        assertArrayEquals(new float[] {1.5f, 2f}, c.toFloatArray());
        Tensor str = run1("Constant", 13, new Tensor[0], s("value_string", "hi"));
        assertEquals("hi", str.strings()[0]);
        assertEquals(0, str.rank());
        Tensor sh = run1("Shape", 15, new Tensor[] {iota(2, 3, 4, 5)}, i("start", 1), i("end", -1));
        assertArrayEquals(new long[] {3, 4}, sh.toLongArray());
        Attribute v = new Attribute("value", Attribute.Type.TENSOR, 0, 0, null, Tensor.ofInts(new int[] {7}, 1), null,
                null, null, null, null, null);
        Tensor k = run1("ConstantOfShape", 13, new Tensor[] {longs(2, 2)}, v);
        assertEquals(DataType.INT32, k.dataType());
        assertArrayEquals(new int[] {7, 7, 7, 7}, k.toIntArray());
        Tensor same = Tensor.of(new float[] {1}, 1);
        assertSame(same, run1("Transpose", 13, new Tensor[] {same}));
    }
}
