package dev.clinfer.passes;

import dev.clinfer.api.DataType;
import dev.clinfer.ir.Dim;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Shape rules of ops whose output size depends on parameters: Slice, Split, Expand, Tile, Pad,
 * Resize, DepthToSpace, OneHot, the gathers, and the data-dependent ones (Range, NonZero,
 * Compress, Unique) whose sizes stay unknown unless their inputs are constants.
 */
final class ShapeRulesIndex {
    private ShapeRulesIndex() {
    }

    static void register(Map<String, ShapeRules.Rule> m) {
        m.put("Slice", ShapeRulesIndex::slice);
        m.put("Split", ShapeRulesIndex::split);
        m.put("Expand", ShapeRulesIndex::expand);
        m.put("Tile", ShapeRulesIndex::tile);
        m.put("Pad", ShapeRulesIndex::pad);
        m.put("Resize", ShapeRulesIndex::resize);
        m.put("Upsample", ShapeRulesIndex::resize);
        m.put("DepthToSpace", (n, c) -> depthSpace(n, c, true));
        m.put("SpaceToDepth", (n, c) -> depthSpace(n, c, false));
        m.put("OneHot", ShapeRulesIndex::oneHot);
        m.put("GatherElements", (n, c) -> c.set(n, 0, c.type(n, 0), c.shape(n, 1)));
        m.put("GatherND", ShapeRulesIndex::gatherNd);
        m.put("Range", ShapeRulesIndex::range);
        m.put("NonZero", (n, c) -> c.set(n, 0, DataType.INT64, c.shape(n, 0).hasRank()
                ? Shape.of(List.of(Dim.of(Math.max(1, c.shape(n, 0).rank())), Dim.unknown())) : null));
        m.put("Compress", ShapeRulesIndex::compress);
        m.put("Unique", ShapeRulesIndex::unique);
        m.put("RandomNormal", ShapeRulesIndex::random);
        m.put("RandomUniform", ShapeRulesIndex::random);
        m.put("RoiAlign", ShapeRulesIndex::roiAlign);
    }

    /** @return {first index, count} of a slice of a known dim, ONNX clamping included */
    static long[] sliceRange(long d, long s, long e, long step) {
        if (s < 0) {
            s = s <= Long.MIN_VALUE / 2 ? -d - 1 : s + d;
        }
        if (e < 0) {
            e = e <= Long.MIN_VALUE / 2 ? -d - 1 : e + d;
        }
        if (step > 0) {
            s = Math.max(0, Math.min(d, s));
            e = Math.max(0, Math.min(d, e));
            return new long[] {s, Math.max(0, (e - s + step - 1) / step)};
        }
        s = Math.max(0, Math.min(d - 1, s));
        e = Math.max(-1, Math.min(d - 1, e));
        return new long[] {s, Math.max(0, (s - e - step - 1) / -step)};
    }

    private static void slice(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        DataType t = c.type(n, 0);
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (n.opset() < 10) {
            starts = n.attrInts("starts", null);
            ends = n.attrInts("ends", null);
            axes = n.attrInts("axes", null);
        } else {
            starts = c.constLongs(n, 1);
            ends = c.constLongs(n, 2);
            axes = c.constLongs(n, 3);
            steps = c.constLongs(n, 4);
            if ((c.has(n, 3) && axes == null) || (c.has(n, 4) && steps == null)) {
                starts = null;
            }
        }
        if (!x.hasRank() || starts == null || ends == null) {
            c.set(n, 0, t, x.hasRank() ? ShapeInferenceDims.unknownDims(x.rank()) : null);
            return;
        }
        List<Dim> out = ShapeInferenceDims.dims(x);
        long[] first = new long[x.rank()];
        long[] step = new long[x.rank()];
        java.util.Arrays.fill(step, 1);
        for (int k = 0; k < starts.length; k++) {
            int a = ShapeInferenceDims.axis(axes == null ? k : axes[k], x.rank());
            long st = steps == null ? 1 : steps[k];
            Dim d = x.dim(a);
            step[a] = st;
            if (d.isKnown()) {
                long[] r = sliceRange(d.value(), starts[k], ends[k], st);
                first[a] = r[0];
                out.set(a, Dim.of(r[1]));
            } else {
                boolean whole = st == 1 && starts[k] == 0 && ends[k] >= Integer.MAX_VALUE;
                out.set(a, whole ? d : Dim.unknown());
            }
        }
        c.set(n, 0, t, Shape.of(out));
        List<Dim> v = c.dimValues(n, 0);
        if (v != null && x.rank() == 1 && out.get(0).isKnown()) {
            List<Dim> picked = new ArrayList<>();
            for (long i = 0, at = first[0]; i < out.get(0).value(); i++, at += step[0]) {
                picked.add(v.get((int) at));
            }
            c.setDimValues(n, 0, t, picked, false);
        }
    }

    private static void split(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        DataType t = c.type(n, 0);
        int outputs = n.outputs().size();
        if (!x.hasRank()) {
            for (int k = 0; k < outputs; k++) {
                c.set(n, k, t, null);
            }
            return;
        }
        int axis = ShapeInferenceDims.axis(n.attrInt("axis", 0), x.rank());
        long[] sizes = n.opset() < 13 ? n.attrInts("split", null) : c.constLongs(n, 1);
        Dim d = x.dim(axis);
        if (sizes == null && d.isKnown() && !(n.opset() >= 13 && c.has(n, 1))) {
            long num = n.hasAttr("num_outputs") ? n.attrInt("num_outputs", outputs) : outputs;
            long chunk = (d.value() + num - 1) / num;
            sizes = new long[outputs];
            long left = d.value();
            for (int k = 0; k < outputs; k++) {
                sizes[k] = Math.min(chunk, left);
                left -= sizes[k];
            }
        }
        for (int k = 0; k < outputs; k++) {
            List<Dim> o = ShapeInferenceDims.dims(x);
            o.set(axis, sizes != null && k < sizes.length ? Dim.of(sizes[k]) : Dim.unknown());
            c.set(n, k, t, Shape.of(o));
        }
    }

    private static void expand(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        List<Dim> v = c.dimValues(n, 1);
        if (v != null) {
            List<Dim> target = new ArrayList<>();
            for (Dim d : v) {
                target.add(ShapeInferenceContext.asShapeDim(d));
            }
            c.set(n, 0, c.type(n, 0), ShapeInferenceDims.broadcast(List.of(x, Shape.of(target))));
            return;
        }
        Shape s = c.shape(n, 1);
        boolean rankKnown = x.hasRank() && s.isStatic() && s.rank() == 1;
        c.set(n, 0, c.type(n, 0), rankKnown ? ShapeInferenceDims.unknownDims(
                (int) Math.max(x.rank(), s.dim(0).value())) : null);
    }

    private static void tile(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        long[] reps = c.constLongs(n, 1);
        if (!x.hasRank() || reps == null || reps.length != x.rank()) {
            c.set(n, 0, c.type(n, 0), x.hasRank() ? ShapeInferenceDims.unknownDims(x.rank()) : null);
            return;
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < reps.length; i++) {
            out.add(ShapeInferenceDims.mul(x.dim(i), Dim.of(reps[i])));
        }
        c.set(n, 0, c.type(n, 0), Shape.of(out));
    }

    private static void pad(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        DataType t = c.type(n, 0);
        long[] pads = n.opset() < 11 ? n.attrInts(n.opset() < 2 ? "paddings" : "pads", null) : c.constLongs(n, 1);
        long[] axes = n.opset() < 11 ? null : c.constLongs(n, 3);
        if (!x.hasRank() || pads == null || (axes == null && c.has(n, 3))) {
            c.set(n, 0, t, x.hasRank() ? ShapeInferenceDims.unknownDims(x.rank()) : null);
            return;
        }
        int r = x.rank();
        if (axes == null) {
            axes = new long[r];
            for (int i = 0; i < r; i++) {
                axes[i] = i;
            }
        }
        List<Dim> out = ShapeInferenceDims.dims(x);
        for (int k = 0; k < axes.length; k++) {
            int a = ShapeInferenceDims.axis(axes[k], r);
            long total = pads[k] + pads[k + axes.length];
            Dim d = out.get(a);
            out.set(a, d.isKnown() ? Dim.of(d.value() + total) : total == 0 ? d : Dim.unknown());
        }
        c.set(n, 0, t, Shape.of(out));
    }

    private static void resize(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        DataType t = c.type(n, 0);
        if (!x.hasRank()) {
            c.set(n, 0, t, null);
            return;
        }
        int r = x.rank();
        double[] scales;
        long[] sizes = null;
        if (n.opType().equals("Upsample") && n.opset() < 9) {
            float[] f = n.attrFloats("scales", null);
            scales = f == null ? null : new double[f.length];
            for (int i = 0; f != null && i < f.length; i++) {
                scales[i] = f[i];
            }
        } else if (n.opType().equals("Upsample") || n.opset() < 11) {
            scales = c.constDoubles(n, 1);
        } else {
            scales = c.constDoubles(n, 2);
            sizes = c.constLongs(n, 3);
            if (scales != null && scales.length == 0) {
                scales = null;
            }
        }
        long[] axes = n.attrInts("axes", null);
        if (axes == null) {
            axes = new long[r];
            for (int i = 0; i < r; i++) {
                axes[i] = i;
            }
        }
        List<Dim> out = ShapeInferenceDims.dims(x);
        for (int k = 0; k < axes.length; k++) {
            int a = ShapeInferenceDims.axis(axes[k], r);
            Dim d = x.dim(a);
            if (sizes != null && sizes.length == axes.length) {
                out.set(a, Dim.of(sizes[k]));
            } else if (scales != null && scales.length == axes.length) {
                out.set(a, scales[k] == 1.0 ? d : d.isKnown() ? Dim.of((long) Math.floor(d.value() * scales[k]))
                        : Dim.unknown());
            } else {
                out.set(a, Dim.unknown());
            }
        }
        // keep_aspect_ratio_policy (opset 18) changes sizes: only trust the plain "stretch".
        if (sizes != null && !"stretch".equals(n.attrString("keep_aspect_ratio_policy", "stretch"))) {
            out = ShapeInferenceDims.dims(ShapeInferenceDims.unknownDims(r));
        }
        c.set(n, 0, t, Shape.of(out));
    }

    private static void depthSpace(Node n, ShapeInferenceContext c, boolean toSpace) {
        Shape x = c.shape(n, 0);
        long b = n.attrInt("blocksize", 1);
        if (!x.hasRank() || x.rank() != 4) {
            c.set(n, 0, c.type(n, 0), ShapeInferenceDims.unknownDims(4));
            return;
        }
        Dim ch = x.dim(1);
        Dim bb = Dim.of(b);
        Dim outC = toSpace ? (ch.isKnown() ? Dim.of(ch.value() / (b * b)) : Dim.unknown())
                : ShapeInferenceDims.mul(ch, Dim.of(b * b));
        List<Dim> out = new ArrayList<>(List.of(x.dim(0), outC));
        for (int i = 2; i < 4; i++) {
            Dim d = x.dim(i);
            out.add(toSpace ? ShapeInferenceDims.mul(d, bb) : d.isKnown() ? Dim.of(d.value() / b) : Dim.unknown());
        }
        c.set(n, 0, c.type(n, 0), Shape.of(out));
    }

    private static void oneHot(Node n, ShapeInferenceContext c) {
        Shape idx = c.shape(n, 0);
        long[] depth = c.constLongs(n, 1);
        double[] depthF = c.constDoubles(n, 1);
        if (!idx.hasRank()) {
            c.set(n, 0, c.type(n, 2), null);
            return;
        }
        int rank = idx.rank() + 1;
        int axis = ShapeInferenceDims.axis(n.attrInt("axis", -1), rank);
        List<Dim> out = ShapeInferenceDims.dims(idx);
        out.add(axis, depth == null || depth.length != 1 ? Dim.unknown() : Dim.of((long) depthF[0]));
        c.set(n, 0, c.type(n, 2), Shape.of(out));
    }

    private static void gatherNd(Node n, ShapeInferenceContext c) {
        Shape data = c.shape(n, 0);
        Shape idx = c.shape(n, 1);
        int b = (int) n.attrInt("batch_dims", 0);
        if (!data.hasRank() || !idx.hasRank() || idx.rank() == 0 || !idx.dim(-1).isKnown()) {
            c.set(n, 0, c.type(n, 0), null);
            return;
        }
        int last = (int) idx.dim(-1).value();
        List<Dim> out = new ArrayList<>(idx.dims().subList(0, idx.rank() - 1));
        out.addAll(data.dims().subList(b + last, data.rank()));
        c.set(n, 0, c.type(n, 0), Shape.of(out));
    }

    private static void range(Node n, ShapeInferenceContext c) {
        DataType t = c.type(n, 0);
        double[] s = c.constDoubles(n, 0);
        double[] l = c.constDoubles(n, 1);
        double[] d = c.constDoubles(n, 2);
        if (s != null && l != null && d != null && s.length == 1 && l.length == 1 && d.length == 1 && d[0] != 0) {
            c.set(n, 0, t, Shape.of((long) Math.max(0, Math.ceil((l[0] - s[0]) / d[0]))));
        } else {
            c.set(n, 0, t, ShapeInferenceDims.unknownDims(1));
        }
    }

    private static void compress(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        if (!n.hasAttr("axis") || !x.hasRank()) {
            c.set(n, 0, c.type(n, 0), ShapeInferenceDims.unknownDims(1));
            return;
        }
        List<Dim> out = ShapeInferenceDims.dims(x);
        out.set(ShapeInferenceDims.axis(n.attrInt("axis", 0), x.rank()), Dim.unknown());
        c.set(n, 0, c.type(n, 0), Shape.of(out));
    }

    private static void unique(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        Shape one = ShapeInferenceDims.unknownDims(1);
        Dim count = Dim.unknown();
        if (n.hasAttr("axis") && x.hasRank()) {
            int a = ShapeInferenceDims.axis(n.attrInt("axis", 0), x.rank());
            List<Dim> y = ShapeInferenceDims.dims(x);
            count = y.get(a);
            y.set(a, Dim.unknown());
            c.set(n, 0, c.type(n, 0), Shape.of(y));
        } else {
            if (x.hasRank()) {
                count = ShapeInferenceDims.product(x.dims(), 0, x.rank());
            }
            c.set(n, 0, c.type(n, 0), one);
        }
        c.set(n, 1, DataType.INT64, one);
        c.set(n, 2, DataType.INT64, Shape.of(List.of(count)));
        c.set(n, 3, DataType.INT64, one);
    }

    private static void random(Node n, ShapeInferenceContext c) {
        long[] shape = n.attrInts("shape", null);
        DataType t = DataType.fromOnnx((int) n.attrInt("dtype", 1));
        c.set(n, 0, t, shape == null ? null : Shape.of(shape));
    }

    private static void roiAlign(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        Shape rois = c.shape(n, 1);
        Dim num = rois.hasRank() && rois.rank() == 2 ? rois.dim(0) : Dim.unknown();
        Dim ch = x.hasRank() && x.rank() == 4 ? x.dim(1) : Dim.unknown();
        c.set(n, 0, c.type(n, 0), Shape.of(List.of(num, ch, Dim.of(n.attrInt("output_height", 1)),
                Dim.of(n.attrInt("output_width", 1)))));
    }
}
