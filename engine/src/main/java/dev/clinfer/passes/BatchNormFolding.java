package dev.clinfer.passes;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds inference-mode BatchNormalization into the Conv, ConvTranspose, Gemm or 2-D MatMul (constant weights)
 * in front of it: {@code s = scale / sqrt(var + eps)}, weights scaled per output channel by s,
 * bias {@code (b - mean) * s + B}. Also folds a Mul or Add by a per-channel (or scalar)
 * constant after a Conv or ConvTranspose (the learnable affine of PP-OCR's blocks, the bias Add
 * of paddle's ConvTranspose) into its weights and bias.
 * New weights get fresh names: a weight shared with another node is left as it was.
 */
final class BatchNormFolding {
    private BatchNormFolding() {
    }

    /**
     * @param fg    the graph
     * @param fired counts by pass name, added to
     */
    static void apply(FusionGraph fg, Map<String, Integer> fired) {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Node n : new ArrayList<>(fg.graph().nodes())) {
                if (!n.domain().isEmpty()) {
                    continue;
                }
                if (n.opType().equals("BatchNormalization") && foldBatchNorm(fg, n)) {
                    fired.merge("FoldBatchNorm", 1, Integer::sum);
                    changed = true;
                } else if ((n.opType().equals("Mul") || n.opType().equals("Add")) && foldAffine(fg, n)) {
                    fired.merge("FoldConvAffine", 1, Integer::sum);
                    changed = true;
                }
            }
        }
    }

    /** @return the BN's per-channel scale s and shift t (y = x * s + t), or null when it cannot fold */
    private static float[][] bnAffine(FusionGraph fg, Node bn) {
        if (bn.attrInt("training_mode", 0) != 0 || bn.attrInt("spatial", 1) == 0) {
            return null;
        }
        for (int k = 1; k < bn.outputs().size(); k++) {
            if (!bn.outputs().get(k).isEmpty() && !fg.consumers(bn.outputs().get(k)).isEmpty()) {
                return null;
            }
        }
        Tensor[] p = new Tensor[4];
        for (int k = 0; k < 4; k++) {
            p[k] = fg.constant(FusionGraph.in(bn, k + 1));
            if (p[k] == null || p[k].dataType() != DataType.FLOAT || p[k].rank() != 1) {
                return null;
            }
        }
        int c = p[0].numel();
        for (Tensor t : p) {
            if (t.numel() != c) {
                return null;
            }
        }
        double eps = bn.attrFloat("epsilon", 1e-5f);
        float[] s = new float[c];
        float[] t = new float[c];
        for (int i = 0; i < c; i++) {
            double si = p[0].getDouble(i) / Math.sqrt(p[3].getDouble(i) + eps);
            s[i] = (float) si;
            t[i] = (float) (p[1].getDouble(i) - p[2].getDouble(i) * si);
        }
        return new float[][] {s, t};
    }

    private static boolean foldBatchNorm(FusionGraph fg, Node bn) {
        String x = FusionGraph.in(bn, 0);
        Node prod = fg.producer(x);
        if (prod == null || !prod.domain().isEmpty() || !fg.singleUse(x) || prod.outputs().size() != 1) {
            return false;
        }
        float[][] st = bnAffine(fg, bn);
        if (st == null) {
            return false;
        }
        String y = bn.outputs().get(0);
        switch (prod.opType()) {
            case "Conv":
            case "ConvTranspose":
                return scaleConv(fg, prod, List.of(prod, bn), y, st[0], st[1]);
            case "Gemm":
                return foldIntoGemm(fg, prod, bn, y, st[0], st[1]);
            case "MatMul":
                return foldIntoMatMul(fg, prod, bn, y, st[0], st[1]);
            default:
                return false;
        }
    }

    /**
     * Replaces {@code group} (ending at a Conv's affine follower) by the Conv with weights scaled
     * by {@code s} and bias {@code b * s + t} per output channel ({@code s} or {@code t} may be null).
     */
    private static boolean scaleConv(FusionGraph fg, Node conv, List<Node> group, String out, float[] s, float[] t) {
        Tensor w = fg.constant(FusionGraph.in(conv, 1));
        String bName = FusionGraph.in(conv, 2);
        Tensor b = bName.isEmpty() ? null : fg.constant(bName);
        if (w == null || w.dataType() != DataType.FLOAT || w.rank() < 3 || (!bName.isEmpty() && b == null)
                || (b != null && b.dataType() != DataType.FLOAT)) {
            return false;
        }
        boolean transposed = conv.opType().equals("ConvTranspose");
        int m = outChannels(conv, w);
        if (m <= 0 || (b != null && b.numel() != m) || (s != null && s.length != m && s.length != 1)
                || (t != null && t.length != m && t.length != 1)) {
            return false;
        }
        float[] wv = w.toFloatArray();
        float[] bv = new float[m];
        for (int i = 0; i < m; i++) {
            float si = s == null ? 1f : s[s.length == 1 ? 0 : i];
            float ti = t == null ? 0f : t[t.length == 1 ? 0 : i];
            float bi = b == null ? 0f : (float) b.getDouble(i);
            bv[i] = bi * si + ti;
        }
        if (s != null) {
            scaleWeights(wv, w.shape(), transposed, (int) conv.attrInt("group", 1), s);
        }
        String wn = s == null ? FusionGraph.in(conv, 1) : fg.addConstant(FusionGraph.in(conv, 1), Tensor.of(wv, w.shape()));
        String bn = fg.addConstant(bName.isEmpty() ? conv.name() + "_bias" : bName, Tensor.of(bv, m));
        Node fused = new Node(conv.name(), conv.opType(), "", List.of(FusionGraph.in(conv, 0), wn, bn), List.of(out),
                conv.attributes(), conv.opset());
        fg.replace(group, fused);
        return true;
    }

    /** @return output channels of a Conv ([M, C/g, k...]) or ConvTranspose ([C, M/g, k...]) weight */
    private static int outChannels(Node conv, Tensor w) {
        if (!conv.opType().equals("ConvTranspose")) {
            return (int) w.dim(0);
        }
        return (int) (w.dim(1) * conv.attrInt("group", 1));
    }

    /** Scales the weights of output channel oc by s[oc] (s of length 1: all channels). */
    private static void scaleWeights(float[] wv, long[] ws, boolean transposed, int group, float[] s) {
        int per = 1;
        for (int i = 2; i < ws.length; i++) {
            per *= (int) ws[i];
        }
        if (!transposed) {
            int m = (int) ws[0];
            int inner = (int) ws[1] * per;
            for (int oc = 0; oc < m; oc++) {
                float f = s[s.length == 1 ? 0 : oc];
                for (int j = 0; j < inner; j++) {
                    wv[oc * inner + j] *= f;
                }
            }
            return;
        }
        // ConvTranspose: W[c][mm] feeds output channel (c / (C / group)) * (M / group) + mm.
        int c = (int) ws[0];
        int mg = (int) ws[1];
        int cg = c / Math.max(1, group);
        for (int ci = 0; ci < c; ci++) {
            int grp = ci / Math.max(1, cg);
            for (int mm = 0; mm < mg; mm++) {
                float f = s[s.length == 1 ? 0 : grp * mg + mm];
                int off = (ci * mg + mm) * per;
                for (int j = 0; j < per; j++) {
                    wv[off + j] *= f;
                }
            }
        }
    }

    /** Mul or Add of a Conv's output by a constant that is one value per channel (or one value). */
    private static boolean foldAffine(FusionGraph fg, Node n) {
        for (int side = 0; side < 2; side++) {
            String x = FusionGraph.in(n, side);
            String c = FusionGraph.in(n, 1 - side);
            Node conv = fg.producer(x);
            Tensor ct = fg.constant(c);
            if (conv == null || ct == null || !(conv.opType().equals("Conv") || conv.opType().equals("ConvTranspose"))
                    || !conv.domain().isEmpty()
                    || !fg.singleUse(x) || ct.dataType() != DataType.FLOAT || n.inputs().size() != 2) {
                continue;
            }
            Tensor w = fg.constant(FusionGraph.in(conv, 1));
            if (w == null || w.rank() < 3) {
                continue;
            }
            float[] v = perChannel(ct, w.rank(), outChannels(conv, w));
            if (v == null) {
                continue;
            }
            boolean mul = n.opType().equals("Mul");
            return scaleConv(fg, conv, List.of(conv, n), n.outputs().get(0), mul ? v : null, mul ? null : v);
        }
        return false;
    }

    /**
     * @param t    a constant
     * @param rank the rank of the Conv output it meets
     * @param m    output channels
     * @return its value per channel (length m, or 1 for a single value), or null when it varies along another dim
     */
    static float[] perChannel(Tensor t, int rank, int m) {
        long[] s = t.shape();
        if (s.length > rank) {
            return null;
        }
        for (int i = 0; i < s.length; i++) {
            int outDim = rank - s.length + i;
            if (s[i] != 1 && !(outDim == 1 && s[i] == m)) {
                return null;
            }
        }
        return t.toFloatArray();
    }

    /** Gemm with constant B and a C that is a row vector (or absent): fold per output column. */
    private static boolean foldIntoGemm(FusionGraph fg, Node gemm, Node bn, String out, float[] s, float[] t) {
        Tensor b = fg.constant(FusionGraph.in(gemm, 1));
        String cName = FusionGraph.in(gemm, 2);
        Tensor c = cName.isEmpty() ? null : fg.constant(cName);
        if (b == null || b.rank() != 2 || b.dataType() != DataType.FLOAT || (!cName.isEmpty() && c == null)) {
            return false;
        }
        boolean transB = gemm.attrInt("transB", 0) != 0;
        int n = (int) (transB ? b.dim(0) : b.dim(1));
        if (s.length != n || (c != null && (c.dataType() != DataType.FLOAT || !rowVector(c, n)))) {
            return false;
        }
        float beta = gemm.attrFloat("beta", 1f);
        float[] bias = biasFor(c, n, beta, s, t);
        String bn2 = fg.addConstant(FusionGraph.in(gemm, 1), scaleColumns(b, transB, s));
        String cn = fg.addConstant(gemm.name() + "_bias", Tensor.of(bias, n));
        Map<String, Attribute> attrs = new LinkedHashMap<>(gemm.attributes());
        attrs.put("beta", FusionGraph.floatAttr("beta", 1f));
        fg.replace(List.of(gemm, bn), new Node(gemm.name(), "Gemm", "", List.of(FusionGraph.in(gemm, 0), bn2, cn),
                List.of(out), attrs, gemm.opset()));
        return true;
    }

    /** 2-D MatMul with a constant [K, N] right operand: becomes a Gemm with the folded bias. */
    private static boolean foldIntoMatMul(FusionGraph fg, Node mm, Node bn, String out, float[] s, float[] t) {
        Tensor b = fg.constant(FusionGraph.in(mm, 1));
        String a = FusionGraph.in(mm, 0);
        if (b == null || b.rank() != 2 || b.dataType() != DataType.FLOAT || s.length != b.dim(1)
                || !fg.shape(a).hasRank() || fg.shape(a).rank() != 2) {
            return false;
        }
        int n = (int) b.dim(1);
        String bn2 = fg.addConstant(FusionGraph.in(mm, 1), scaleColumns(b, false, s));
        String cn = fg.addConstant(mm.name() + "_bias", Tensor.of(biasFor(null, n, 1f, s, t), n));
        fg.replace(List.of(mm, bn), new Node(mm.name(), "Gemm", "", List.of(a, bn2, cn), List.of(out), Map.of(),
                Math.max(mm.opset(), 13)));
        return true;
    }

    private static boolean rowVector(Tensor c, int n) {
        long[] s = c.shape();
        return c.numel() == 1 || (s.length == 1 && s[0] == n) || (s.length == 2 && s[0] == 1 && s[1] == n);
    }

    private static float[] biasFor(Tensor c, int n, float beta, float[] s, float[] t) {
        float[] bias = new float[n];
        for (int j = 0; j < n; j++) {
            float cj = c == null ? 0f : beta * (float) c.getDouble(c.numel() == 1 ? 0 : j);
            bias[j] = cj * s[j] + t[j];
        }
        return bias;
    }

    private static Tensor scaleColumns(Tensor b, boolean transB, float[] s) {
        float[] v = b.toFloatArray();
        int rows = (int) b.dim(0);
        int cols = (int) b.dim(1);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                v[i * cols + j] *= s[transB ? i : j];
            }
        }
        return Tensor.of(v, b.shape());
    }
}
