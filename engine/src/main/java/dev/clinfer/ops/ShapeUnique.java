package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The Unique kernel: unique elements (or slices along {@code axis}), sorted or in order of
 * first occurrence, with the four outputs Y, indices, inverse_indices and counts.
 */
final class ShapeUnique {
    private ShapeUnique() {
    }

    static Tensor[] run(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = ShapeOps.required(node, in, 0);
        boolean hasAxis = node.hasAttr("axis");
        Tensor src = hasAxis ? x : x.reshape(x.size());
        long[] s = src.shape();
        int axis = hasAxis ? OpUtil.axis(node.attrInt("axis", 0), s.length, node) : 0;
        int n = (int) s[axis];
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= (int) s[i];
        }
        int inner = 1;
        for (int i = axis + 1; i < s.length; i++) {
            inner *= (int) s[i];
        }
        Comparator<Integer> cmp = sliceOrder(src, n, outer, inner);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, cmp); // stable: the first of equal slices keeps the lowest index
        // Groups of equal slices, in sorted order; first = lowest original index.
        List<int[]> groups = new ArrayList<>(); // {first, count}
        int[] groupOf = new int[n];
        for (int k = 0; k < n; k++) {
            if (k == 0 || cmp.compare(order[k - 1], order[k]) != 0) {
                groups.add(new int[] {order[k], 0});
            }
            int g = groups.size() - 1;
            groups.get(g)[1]++;
            groupOf[order[k]] = g;
        }
        int u = groups.size();
        int[] rank = new int[u]; // output position of each group
        if (node.attrInt("sorted", 1) != 0) {
            for (int g = 0; g < u; g++) {
                rank[g] = g;
            }
        } else {
            Integer[] byFirst = new Integer[u];
            for (int g = 0; g < u; g++) {
                byFirst[g] = g;
            }
            Arrays.sort(byFirst, Comparator.comparingInt(g -> groups.get(g)[0]));
            for (int p = 0; p < u; p++) {
                rank[byFirst[p]] = p;
            }
        }
        long[] os = s.clone();
        os[axis] = u;
        Tensor y = ctx.allocate(x.dataType(), os);
        Tensor indices = ctx.allocate(DataType.INT64, u);
        Tensor inverse = ctx.allocate(DataType.INT64, n);
        Tensor counts = ctx.allocate(DataType.INT64, u);
        long[] str = LayoutCopy.strides(s);
        long[] yStr = LayoutCopy.strides(os);
        long[] box = s.clone();
        box[axis] = 1;
        for (int g = 0; g < u; g++) {
            int p = rank[g];
            int first = groups.get(g)[0];
            indices.setLong(p, first);
            counts.setLong(p, groups.get(g)[1]);
            LayoutCopy.copy(null, src, first * str[axis], str, y, p * yStr[axis], yStr, box);
        }
        for (int i = 0; i < n; i++) {
            inverse.setLong(i, rank[groupOf[i]]);
        }
        return new Tensor[] {y, indices, inverse, counts};
    }

    /** Lexicographic order of the slices {@code [o, j, i]} for j = the compared indices. */
    private static Comparator<Integer> sliceOrder(Tensor t, int n, int outer, int inner) {
        DataType type = t.dataType();
        return (a, b) -> {
            for (int o = 0; o < outer; o++) {
                int ia = (o * n + a) * inner;
                int ib = (o * n + b) * inner;
                for (int i = 0; i < inner; i++) {
                    int c;
                    if (type == DataType.STRING) {
                        c = t.strings()[ia + i].compareTo(t.strings()[ib + i]);
                    } else if (type.isFloatingPoint()) {
                        double da = t.getDouble(ia + i);
                        double db = t.getDouble(ib + i);
                        c = da == db ? 0 : Double.compare(da, db);
                    } else if (type == DataType.UINT64) {
                        c = Long.compareUnsigned(t.getLong(ia + i), t.getLong(ib + i));
                    } else {
                        c = Long.compare(t.getLong(ia + i), t.getLong(ib + i));
                    }
                    if (c != 0) {
                        return c;
                    }
                }
            }
            return 0;
        };
    }
}
