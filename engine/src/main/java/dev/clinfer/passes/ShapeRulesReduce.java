package dev.clinfer.passes;

import dev.clinfer.api.DataType;
import dev.clinfer.ir.Dim;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Shape rules of reductions: Reduce*, ArgMax/ArgMin, TopK. */
final class ShapeRulesReduce {
    private static final String[] REDUCE = {
        "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum",
        "ReduceLogSumExp", "ReduceSumSquare",
    };

    private ShapeRulesReduce() {
    }

    static void register(Map<String, ShapeRules.Rule> m) {
        for (String op : REDUCE) {
            m.put(op, ShapeRulesReduce::reduce);
        }
        m.put("ArgMax", ShapeRulesReduce::arg);
        m.put("ArgMin", ShapeRulesReduce::arg);
        m.put("TopK", ShapeRulesReduce::topK);
    }

    private static void reduce(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        DataType t = c.type(n, 0);
        boolean keep = n.attrInt("keepdims", 1) != 0;
        long[] axes;
        if (n.hasAttr("axes")) {
            axes = n.attrInts("axes", null);
        } else if (c.has(n, 1)) {
            axes = c.constLongs(n, 1);
            if (axes == null) {
                // Axes computed at run time: only the rank is known, and only with keepdims.
                c.set(n, 0, t, keep && x.hasRank() ? ShapeInferenceDims.unknownDims(x.rank()) : null);
                return;
            }
        } else {
            axes = new long[0];
        }
        if (!x.hasRank()) {
            c.set(n, 0, t, null);
            return;
        }
        if (axes.length == 0) {
            if (n.attrInt("noop_with_empty_axes", 0) != 0) {
                c.set(n, 0, t, x);
                return;
            }
            axes = new long[x.rank()];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = i;
            }
        }
        c.set(n, 0, t, reduced(x, axes, keep));
    }

    /** @return x with the given axes reduced to 1 (keepdims) or dropped */
    static Shape reduced(Shape x, long[] axes, boolean keep) {
        boolean[] red = new boolean[x.rank()];
        for (long a : axes) {
            int ax = ShapeInferenceDims.axis(a, x.rank());
            if (ax < 0) {
                return Shape.unknownRank();
            }
            red[ax] = true;
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < x.rank(); i++) {
            if (!red[i]) {
                out.add(x.dim(i));
            } else if (keep) {
                out.add(Dim.of(1));
            }
        }
        return Shape.of(out);
    }

    private static void arg(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        Shape out = x.hasRank() ? reduced(x, new long[] {n.attrInt("axis", 0)}, n.attrInt("keepdims", 1) != 0)
                : null;
        c.set(n, 0, DataType.INT64, out);
    }

    private static void topK(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        Shape out = null;
        if (x.hasRank()) {
            int axis = ShapeInferenceDims.axis(n.attrInt("axis", -1), x.rank());
            long[] k = n.opset() < 10 ? new long[] {n.attrInt("k", -1)} : c.constLongs(n, 1);
            List<Dim> d = ShapeInferenceDims.dims(x);
            if (axis >= 0) {
                d.set(axis, k != null && k.length == 1 && k[0] >= 0 ? Dim.of(k[0]) : Dim.unknown());
                out = Shape.of(d);
            }
        }
        c.set(n, 0, c.type(n, 0), out);
        c.set(n, 1, DataType.INT64, out);
    }
}
