package dev.clinfer.passes;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Dim;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Shape rules of the ops that relabel dims or compute shapes: Reshape, Flatten, Transpose,
 * Squeeze, Unsqueeze, Concat, Shape, Size, Cast, Constant, ConstantOfShape, Gather. The ones on
 * the Shape→Gather→Concat→Reshape path also carry dim values, so symbolic dims survive it.
 */
final class ShapeRulesTensor {
    private ShapeRulesTensor() {
    }

    static void register(Map<String, ShapeRules.Rule> m) {
        m.put("Reshape", ShapeRulesTensor::reshape);
        m.put("Flatten", ShapeRulesTensor::flatten);
        m.put("Transpose", ShapeRulesTensor::transpose);
        m.put("Squeeze", ShapeRulesTensor::squeeze);
        m.put("Unsqueeze", ShapeRulesTensor::unsqueeze);
        m.put("Concat", ShapeRulesTensor::concat);
        m.put("Shape", ShapeRulesTensor::shape);
        m.put("Size", ShapeRulesTensor::size);
        m.put("Cast", ShapeRulesTensor::cast);
        m.put("CastLike", (n, c) -> c.set(n, 0, c.type(n, 1), c.shape(n, 0)));
        m.put("Constant", (n, c) -> c.setConstant(n, 0, constantValue(n)));
        m.put("ConstantOfShape", ShapeRulesTensor::constantOfShape);
        m.put("Gather", ShapeRulesTensor::gather);
    }

    /** @return the value of a Constant node */
    static Tensor constantValue(Node n) {
        if (n.hasAttr("value")) {
            return n.attrTensor("value");
        }
        if (n.hasAttr("sparse_value")) {
            return n.attrTensor("sparse_value");
        }
        if (n.hasAttr("value_float")) {
            return Tensor.of(new float[] {n.attrFloat("value_float", 0)});
        }
        if (n.hasAttr("value_floats")) {
            float[] f = n.attrFloats("value_floats", null);
            return Tensor.of(f, f.length);
        }
        if (n.hasAttr("value_int")) {
            return Tensor.ofLongs(new long[] {n.attrInt("value_int", 0)});
        }
        if (n.hasAttr("value_ints")) {
            long[] v = n.attrInts("value_ints", null);
            return Tensor.ofLongs(v, v.length);
        }
        if (n.hasAttr("value_string")) {
            return Tensor.ofStrings(new String[] {n.attrString("value_string", "")});
        }
        List<String> s = n.attrStrings("value_strings");
        return Tensor.ofStrings(s.toArray(new String[0]), s.size());
    }

    /** @return the target dims of a Reshape-like shape input (markers for negative entries), or null */
    private static List<Dim> target(Node n, ShapeInferenceContext c, int k) {
        if (n.opType().equals("Reshape") && n.opset() < 5) {
            long[] s = n.attrInts("shape", null);
            if (s == null) {
                return null;
            }
            List<Dim> l = new ArrayList<>();
            for (long v : s) {
                l.add(v >= 0 ? Dim.of(v) : ShapeInferenceContext.marker(v));
            }
            return l;
        }
        return c.dimValues(n, k);
    }

    private static void reshape(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        DataType t = c.type(n, 0);
        List<Dim> target = target(n, c, 1);
        if (target == null) {
            Shape s = c.shape(n, 1);
            Shape out = s.isStatic() && s.rank() == 1 ? ShapeInferenceDims.unknownDims((int) s.dim(0).value()) : null;
            if (out != null && out.rank() == 1 && x.hasRank()) {
                out = Shape.of(List.of(ShapeInferenceDims.product(x.dims(), 0, x.rank()))); // flattening
            }
            c.set(n, 0, t, out);
            return;
        }
        boolean allowZero = n.attrInt("allowzero", 0) != 0;
        List<Dim> out = new ArrayList<>();
        int infer = -1;
        for (int i = 0; i < target.size(); i++) {
            Dim d = target.get(i);
            if (ShapeInferenceContext.negative(d) == -1 && infer < 0) {
                infer = i;
                out.add(Dim.unknown());
            } else if (ShapeInferenceDims.is(d, 0) && !allowZero) {
                out.add(x.hasRank() && i < x.rank() ? x.dim(i) : Dim.unknown());
            } else {
                out.add(ShapeInferenceContext.asShapeDim(d));
            }
        }
        if (infer >= 0 && x.hasRank()) {
            List<Dim> rest = new ArrayList<>(out);
            rest.remove(infer);
            out.set(infer, quotient(x.dims(), rest));
        }
        c.set(n, 0, t, Shape.of(out));
    }

    /** The dim d with product(num) = d · product(den), when it can be told. */
    static Dim quotient(List<Dim> num, List<Dim> den) {
        ShapeInferenceDims.Factors a = ShapeInferenceDims.factor(num);
        ShapeInferenceDims.Factors b = ShapeInferenceDims.factor(den);
        if (!a.complete() || !b.complete() || b.known() == 0 || a.known() % b.known() != 0) {
            return Dim.unknown();
        }
        List<String> left = new ArrayList<>(a.symbols());
        for (String s : b.symbols()) {
            if (!left.remove(s)) {
                return Dim.unknown();
            }
        }
        long ratio = a.known() / b.known();
        if (left.isEmpty()) {
            return Dim.of(ratio);
        }
        return left.size() == 1 && ratio == 1 ? Dim.symbol(left.get(0)) : Dim.unknown();
    }

    private static void flatten(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        if (!x.hasRank()) {
            c.set(n, 0, c.type(n, 0), ShapeInferenceDims.unknownDims(2));
            return;
        }
        long a = n.attrInt("axis", 1);
        int axis = (int) (a < 0 ? a + x.rank() : a);
        List<Dim> d = x.dims();
        c.set(n, 0, c.type(n, 0), Shape.of(List.of(ShapeInferenceDims.product(d, 0, axis),
                ShapeInferenceDims.product(d, axis, d.size()))));
    }

    private static void transpose(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        if (!x.hasRank()) {
            c.set(n, 0, c.type(n, 0), null);
            return;
        }
        long[] perm = n.attrInts("perm", null);
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < x.rank(); i++) {
            out.add(x.dim(perm == null ? x.rank() - 1 - i : (int) perm[i]));
        }
        c.set(n, 0, c.type(n, 0), Shape.of(out));
    }

    private static long[] axes(Node n, ShapeInferenceContext c) {
        return n.opset() < 13 ? n.attrInts("axes", null) : c.constLongs(n, 1);
    }

    private static void squeeze(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        DataType t = c.type(n, 0);
        long[] axes = axes(n, c);
        if (!x.hasRank() || (axes == null && n.opset() >= 13 && c.has(n, 1))) {
            c.set(n, 0, t, null);
            return;
        }
        List<Dim> out = new ArrayList<>();
        boolean[] drop = new boolean[x.rank()];
        if (axes == null || axes.length == 0) {
            for (int i = 0; i < x.rank(); i++) {
                if (!x.dim(i).isKnown()) {
                    c.set(n, 0, t, null); // a symbolic dim might be 1
                    return;
                }
                drop[i] = x.dim(i).value() == 1;
            }
        } else {
            for (long a : axes) {
                drop[ShapeInferenceDims.axis(a, x.rank())] = true;
            }
        }
        for (int i = 0; i < x.rank(); i++) {
            if (!drop[i]) {
                out.add(x.dim(i));
            }
        }
        c.set(n, 0, t, Shape.of(out));
        List<Dim> v = c.dimValues(n, 0);
        if (v != null && v.size() == 1 && out.isEmpty()) {
            c.setDimValues(n, 0, t, v, true);
        }
    }

    private static void unsqueeze(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        DataType t = c.type(n, 0);
        long[] axes = axes(n, c);
        if (!x.hasRank() || axes == null) {
            c.set(n, 0, t, null);
            return;
        }
        int rank = x.rank() + axes.length;
        boolean[] add = new boolean[rank];
        for (long a : axes) {
            add[ShapeInferenceDims.axis(a, rank)] = true;
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0, j = 0; i < rank; i++) {
            out.add(add[i] ? Dim.of(1) : x.dim(j++));
        }
        c.set(n, 0, t, Shape.of(out));
        List<Dim> v = c.dimValues(n, 0);
        if (v != null && x.rank() <= 1 && rank == 1) {
            c.setDimValues(n, 0, t, v, false);
        }
    }

    private static void concat(Node n, ShapeInferenceContext c) {
        DataType t = null;
        List<Shape> shapes = new ArrayList<>();
        for (int k = 0; k < n.inputs().size(); k++) {
            if (c.has(n, k)) {
                t = t == null ? c.type(n, k) : t;
                shapes.add(c.shape(n, k));
            }
        }
        int rank = -1;
        for (Shape s : shapes) {
            if (s.hasRank()) {
                rank = s.rank();
            }
        }
        if (rank < 0) {
            c.set(n, 0, t, null);
            return;
        }
        int axis = ShapeInferenceDims.axis(n.attrInt("axis", n.opset() < 4 ? 1 : 0), rank);
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            Dim d = i == axis ? Dim.of(0) : Dim.unknown();
            for (Shape s : shapes) {
                Dim sd = s.hasRank() ? s.dim(i) : Dim.unknown();
                if (i == axis) {
                    d = s.hasRank() ? ShapeInferenceDims.add(d, sd) : Dim.unknown();
                } else if (!d.isKnown() && (sd.isKnown() || (sd.isSymbolic() && !d.isSymbolic()))) {
                    d = sd; // all inputs agree here: take the most precise
                }
            }
            out.add(d);
        }
        c.set(n, 0, t, Shape.of(out));
        if (rank == 1) {
            List<Dim> v = new ArrayList<>();
            for (int k = 0; k < n.inputs().size(); k++) {
                if (!c.has(n, k)) {
                    continue;
                }
                List<Dim> part = c.dimValues(n, k);
                if (part == null) {
                    return;
                }
                v.addAll(part);
            }
            c.setDimValues(n, 0, t, v, false);
        }
    }

    private static void shape(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        if (!x.hasRank()) {
            c.set(n, 0, DataType.INT64, ShapeInferenceDims.unknownDims(1));
            return;
        }
        int r = x.rank();
        long start = n.attrInt("start", 0);
        long end = n.attrInt("end", r);
        start = Math.max(0, Math.min(r, start < 0 ? start + r : start));
        end = Math.max(start, Math.min(r, end < 0 ? end + r : end));
        c.setDimValues(n, 0, DataType.INT64, x.dims().subList((int) start, (int) end), false);
    }

    private static void size(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        if (x.hasRank()) {
            c.setDimValues(n, 0, DataType.INT64, List.of(ShapeInferenceDims.product(x.dims(), 0, x.rank())), true);
        } else {
            c.set(n, 0, DataType.INT64, Shape.of());
        }
    }

    private static void cast(Node n, ShapeInferenceContext c) {
        DataType to = DataType.fromOnnx((int) n.attrInt("to", 0));
        Shape x = c.shape(n, 0);
        c.set(n, 0, to, x);
        List<Dim> v = c.dimValues(n, 0);
        if (v != null && to != null && to.isInteger() && x.hasRank() && x.rank() <= 1) {
            c.setDimValues(n, 0, to, v, x.rank() == 0);
        }
    }

    private static void constantOfShape(Node n, ShapeInferenceContext c) {
        Tensor value = n.attrTensor("value");
        DataType t = value == null ? DataType.FLOAT : value.dataType();
        List<Dim> v = c.dimValues(n, 0);
        if (v != null) {
            List<Dim> out = new ArrayList<>();
            for (Dim d : v) {
                out.add(ShapeInferenceContext.asShapeDim(d));
            }
            c.set(n, 0, t, Shape.of(out));
            boolean small = out.size() == 1 && out.get(0).isKnown() && out.get(0).value() <= 64;
            if (small && t.isInteger() && value != null && value.size() == 1) {
                // e.g. ConstantOfShape([k], value=1) making the ones of a reduced shape
                long x = value.getLong(0);
                Dim d = x >= 0 ? Dim.of(x) : ShapeInferenceContext.marker(x);
                c.setDimValues(n, 0, t, java.util.Collections.nCopies((int) out.get(0).value(), d), false);
            }
            return;
        }
        Shape s = c.shape(n, 0);
        c.set(n, 0, t, s.isStatic() && s.rank() == 1 ? ShapeInferenceDims.unknownDims((int) s.dim(0).value()) : null);
    }

    private static void gather(Node n, ShapeInferenceContext c) {
        Shape data = c.shape(n, 0);
        Shape idx = c.shape(n, 1);
        DataType t = c.type(n, 0);
        if (!data.hasRank() || !idx.hasRank()) {
            c.set(n, 0, t, null);
            return;
        }
        int axis = ShapeInferenceDims.axis(n.attrInt("axis", 0), data.rank());
        List<Dim> out = new ArrayList<>(data.dims().subList(0, axis));
        out.addAll(idx.dims());
        out.addAll(data.dims().subList(axis + 1, data.rank()));
        c.set(n, 0, t, Shape.of(out));
        List<Dim> v = c.dimValues(n, 0);
        long[] at = c.constLongs(n, 1);
        if (v != null && data.rank() == 1 && at != null && idx.rank() <= 1) {
            List<Dim> picked = new ArrayList<>();
            for (long i : at) {
                picked.add(v.get((int) (i < 0 ? i + v.size() : i)));
            }
            c.setDimValues(n, 0, t, picked, idx.rank() == 0);
        }
    }
}
