package dev.clinfer.passes;

import dev.clinfer.api.DataType;
import dev.clinfer.ir.Dim;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Shape rules of the neural-network ops: convolutions, pools, GEMMs, normalisations, recurrences. */
final class ShapeRulesNN {
    private ShapeRulesNN() {
    }

    static void register(Map<String, ShapeRules.Rule> m) {
        m.put("Conv", (n, c) -> conv(n, c, 0, 1, c.type(n, 0)));
        m.put("ConvInteger", (n, c) -> conv(n, c, 0, 1, DataType.INT32));
        m.put("QLinearConv", (n, c) -> conv(n, c, 0, 3, c.has(n, 7) ? c.type(n, 7) : DataType.UINT8));
        m.put("ConvTranspose", ShapeRulesNN::convTranspose);
        for (String op : new String[] {"MaxPool", "AveragePool", "LpPool"}) {
            m.put(op, ShapeRulesNN::pool);
        }
        for (String op : new String[] {"GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool"}) {
            m.put(op, ShapeRulesNN::globalPool);
        }
        m.put("Gemm", ShapeRulesNN::gemm);
        m.put("MatMul", (n, c) -> matmul(n, c, 0, 1, c.type(n, 0)));
        m.put("MatMulInteger", (n, c) -> matmul(n, c, 0, 1, DataType.INT32));
        m.put("QLinearMatMul", (n, c) -> matmul(n, c, 0, 3, c.has(n, 7) ? c.type(n, 7) : DataType.UINT8));
        m.put("BatchNormalization", ShapeRulesNN::batchNorm);
        m.put("LayerNormalization", ShapeRulesNN::layerNorm);
        for (String op : new String[] {"LSTM", "GRU", "RNN"}) {
            m.put(op, ShapeRulesNN::recurrent);
        }
    }

    /** One spatial output dim of a convolution or pool. */
    static Dim window(Dim in, long k, long stride, long dil, long padB, long padE, String autoPad, boolean ceil) {
        long ek = dil * (k - 1) + 1;
        if (autoPad.startsWith("SAME")) {
            if (in.isKnown()) {
                return Dim.of((in.value() + stride - 1) / stride);
            }
            return stride == 1 ? in : Dim.unknown();
        }
        if (autoPad.equals("VALID")) {
            padB = 0;
            padE = 0;
        }
        if (!in.isKnown()) {
            return stride == 1 && padB + padE == ek - 1 ? in : Dim.unknown();
        }
        long num = in.value() + padB + padE - ek;
        if (num < 0) {
            return Dim.unknown();
        }
        long out = (ceil ? (num + stride - 1) / stride : num / stride) + 1;
        if (ceil && (out - 1) * stride >= in.value() + padB) {
            out--; // the last window would start in the end padding
        }
        return Dim.of(out);
    }

    private static void spatial(Node n, List<Dim> out, Shape x, long[] kernel, boolean ceil) {
        int sp = kernel.length;
        long[] strides = n.attrInts("strides", null);
        long[] dil = n.attrInts("dilations", null);
        long[] pads = n.attrInts("pads", null);
        String autoPad = n.attrString("auto_pad", "NOTSET");
        for (int i = 0; i < sp; i++) {
            out.add(window(x.dim(2 + i), kernel[i], strides == null ? 1 : strides[i], dil == null ? 1 : dil[i],
                    pads == null ? 0 : pads[i], pads == null ? 0 : pads[i + sp], autoPad, ceil));
        }
    }

    private static void conv(Node n, ShapeInferenceContext c, int xi, int wi, DataType type) {
        Shape x = c.shape(n, xi);
        Shape w = c.shape(n, wi);
        if (!x.hasRank() || x.rank() < 3) {
            c.set(n, 0, type, w.hasRank() ? ShapeInferenceDims.unknownDims(w.rank()) : null);
            return;
        }
        int sp = x.rank() - 2;
        long[] kernel = n.attrInts("kernel_shape", null);
        if (kernel == null) {
            if (!w.hasRank() || !w.isStatic()) {
                c.set(n, 0, type, ShapeInferenceDims.unknownDims(x.rank()));
                return;
            }
            kernel = new long[sp];
            for (int i = 0; i < sp; i++) {
                kernel[i] = w.dim(2 + i).value();
            }
        }
        List<Dim> out = new ArrayList<>();
        out.add(x.dim(0));
        out.add(w.hasRank() ? w.dim(0) : Dim.unknown());
        spatial(n, out, x, kernel, false);
        c.set(n, 0, type, Shape.of(out));
    }

    private static void convTranspose(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        Shape w = c.shape(n, 1);
        DataType type = c.type(n, 0);
        if (!x.hasRank() || x.rank() < 3) {
            c.set(n, 0, type, null);
            return;
        }
        int sp = x.rank() - 2;
        long group = n.attrInt("group", 1);
        List<Dim> out = new ArrayList<>();
        out.add(x.dim(0));
        out.add(w.hasRank() ? ShapeInferenceDims.mul(w.dim(1), Dim.of(group)) : Dim.unknown());
        long[] outputShape = n.attrInts("output_shape", null);
        long[] kernel = n.attrInts("kernel_shape", null);
        if (kernel == null && w.hasRank() && w.isStatic()) {
            kernel = new long[sp];
            for (int i = 0; i < sp; i++) {
                kernel[i] = w.dim(2 + i).value();
            }
        }
        long[] strides = n.attrInts("strides", null);
        long[] dil = n.attrInts("dilations", null);
        long[] pads = n.attrInts("pads", null);
        long[] outPad = n.attrInts("output_padding", null);
        String autoPad = n.attrString("auto_pad", "NOTSET");
        for (int i = 0; i < sp; i++) {
            Dim in = x.dim(2 + i);
            long s = strides == null ? 1 : strides[i];
            if (outputShape != null) {
                out.add(Dim.of(outputShape[outputShape.length - sp + i]));
            } else if (autoPad.startsWith("SAME")) {
                out.add(ShapeInferenceDims.mul(in, Dim.of(s)));
            } else if (in.isKnown() && kernel != null) {
                long d = dil == null ? 1 : dil[i];
                long pad = autoPad.equals("VALID") || pads == null ? 0 : pads[i] + pads[i + sp];
                long op = outPad == null ? 0 : outPad[i];
                out.add(Dim.of(s * (in.value() - 1) + op + (kernel[i] - 1) * d + 1 - pad));
            } else {
                out.add(Dim.unknown());
            }
        }
        c.set(n, 0, type, Shape.of(out));
    }

    private static void pool(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        long[] kernel = n.attrInts("kernel_shape", null);
        if (!x.hasRank() || kernel == null || kernel.length != x.rank() - 2) {
            c.set(n, 0, c.type(n, 0), x.hasRank() ? ShapeInferenceDims.unknownDims(x.rank()) : null);
            return;
        }
        List<Dim> out = new ArrayList<>();
        out.add(x.dim(0));
        out.add(x.dim(1));
        spatial(n, out, x, kernel, n.attrInt("ceil_mode", 0) != 0);
        c.set(n, 0, c.type(n, 0), Shape.of(out));
        c.set(n, 1, DataType.INT64, Shape.of(out));
    }

    private static void globalPool(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        if (!x.hasRank() || x.rank() < 2) {
            c.set(n, 0, c.type(n, 0), null);
            return;
        }
        List<Dim> out = ShapeInferenceDims.dims(x);
        for (int i = 2; i < out.size(); i++) {
            out.set(i, Dim.of(1));
        }
        c.set(n, 0, c.type(n, 0), Shape.of(out));
    }

    private static void gemm(Node n, ShapeInferenceContext c) {
        Shape a = c.shape(n, 0);
        Shape b = c.shape(n, 1);
        Dim m = a.hasRank() && a.rank() == 2 ? a.dim(n.attrInt("transA", 0) != 0 ? 1 : 0) : Dim.unknown();
        Dim nn = b.hasRank() && b.rank() == 2 ? b.dim(n.attrInt("transB", 0) != 0 ? 0 : 1) : Dim.unknown();
        c.set(n, 0, c.type(n, 0), Shape.of(List.of(m, nn)));
    }

    private static void matmul(Node n, ShapeInferenceContext c, int ai, int bi, DataType type) {
        Shape a = c.shape(n, ai);
        Shape b = c.shape(n, bi);
        if (!a.hasRank() || !b.hasRank() || a.rank() == 0 || b.rank() == 0) {
            c.set(n, 0, type, null);
            return;
        }
        // numpy matmul: 1-D operands gain a dim that is dropped again afterwards.
        List<Dim> ad = ShapeInferenceDims.dims(a);
        List<Dim> bd = ShapeInferenceDims.dims(b);
        boolean aVec = ad.size() == 1;
        boolean bVec = bd.size() == 1;
        if (aVec) {
            ad.add(0, Dim.of(1));
        }
        if (bVec) {
            bd.add(Dim.of(1));
        }
        Shape batch = ShapeInferenceDims.broadcast(List.of(Shape.of(ad.subList(0, ad.size() - 2)),
                Shape.of(bd.subList(0, bd.size() - 2))));
        List<Dim> out = ShapeInferenceDims.dims(batch);
        if (!aVec) {
            out.add(ad.get(ad.size() - 2));
        }
        if (!bVec) {
            out.add(bd.get(bd.size() - 1));
        }
        c.set(n, 0, type, Shape.of(out));
    }

    private static void batchNorm(Node n, ShapeInferenceContext c) {
        c.set(n, 0, c.type(n, 0), c.shape(n, 0));
        for (int k = 1; k < 5; k++) {
            c.set(n, k, c.type(n, 0), c.shape(n, 3));
        }
    }

    private static void layerNorm(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        c.set(n, 0, c.type(n, 0), x);
        if (!x.hasRank()) {
            return;
        }
        int axis = ShapeInferenceDims.axis(n.attrInt("axis", -1), x.rank());
        List<Dim> stat = ShapeInferenceDims.dims(x);
        for (int i = Math.max(axis, 0); i < stat.size(); i++) {
            stat.set(i, Dim.of(1));
        }
        DataType st = n.hasAttr("stash_type") && n.attrInt("stash_type", 1) != 1 ? null : DataType.FLOAT;
        c.set(n, 1, st, Shape.of(stat));
        c.set(n, 2, st, Shape.of(stat));
    }

    private static void recurrent(Node n, ShapeInferenceContext c) {
        Shape x = c.shape(n, 0);
        long hidden = n.attrInt("hidden_size", -1);
        Dim dirs = Dim.of("bidirectional".equals(n.attrString("direction", "forward")) ? 2 : 1);
        Dim h = hidden > 0 ? Dim.of(hidden) : Dim.unknown();
        boolean batchFirst = n.attrInt("layout", 0) != 0;
        Dim seq = x.hasRank() && x.rank() == 3 ? x.dim(batchFirst ? 1 : 0) : Dim.unknown();
        Dim batch = x.hasRank() && x.rank() == 3 ? x.dim(batchFirst ? 0 : 1) : Dim.unknown();
        DataType t = c.type(n, 0);
        c.set(n, 0, t, Shape.of(batchFirst ? List.of(batch, seq, dirs, h) : List.of(seq, dirs, batch, h)));
        Shape state = Shape.of(batchFirst ? List.of(batch, dirs, h) : List.of(dirs, batch, h));
        c.set(n, 1, t, state);
        c.set(n, 2, t, state);
    }
}
