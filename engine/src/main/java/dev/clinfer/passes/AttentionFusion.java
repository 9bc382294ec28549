package dev.clinfer.passes;

import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;
import dev.clinfer.ops.FusedOps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recognises scaled dot-product attention,
 * {@code MatMul(Q, K^T) -> Div|Mul by a constant -> [Add mask] -> Softmax(last axis) -> MatMul(., V)},
 * and replaces it by {@code dev.clinfer.FusedAttention}. When Q, K and V come from the usual
 * head-splitting Transposes of {@code [B, S, H, D]} tensors (perm 0,2,1,3, and 0,2,3,1 for K)
 * and the result is transposed back the same way, those four Transposes go too (layout BSHD):
 * the kernel reads and writes the heads in place.
 */
final class AttentionFusion {
    private static final long[] HEADS = {0, 2, 1, 3};
    private static final long[] HEADS_KT = {0, 2, 3, 1};

    private AttentionFusion() {
    }

    /**
     * @param fg    the graph
     * @param fired counts by pass name, added to
     */
    static void apply(FusionGraph fg, Map<String, Integer> fired) {
        for (Node n : new ArrayList<>(fg.graph().nodes())) {
            if (n.opType().equals("Softmax") && n.domain().isEmpty() && fuse(fg, n)) {
                fired.merge("FuseAttention", 1, Integer::sum);
            }
        }
    }

    private static boolean is(Node n, String op) {
        return n != null && n.opType().equals(op) && n.domain().isEmpty();
    }

    private static boolean fuse(FusionGraph fg, Node softmax) {
        String s = FusionGraph.in(softmax, 0);
        Shape ss = fg.shape(s);
        long axis = softmax.attrInt("axis", -1);
        if (!ss.hasRank() || ss.rank() < 3 || !(axis == -1 || axis == ss.rank() - 1) || !fg.isFloat(s)
                || !fg.singleUse(s)) {
            return false;
        }
        List<Node> group = new ArrayList<>();
        group.add(softmax);
        String mask = null;
        Node prev = fg.producer(s);
        String cur = s;
        if (is(prev, "Add") && prev.inputs().size() == 2) {
            // The mask is the operand that is not the scaled scores.
            Node p0 = fg.producer(FusionGraph.in(prev, 0));
            boolean firstIsScores = (is(p0, "Div") || is(p0, "Mul") || is(p0, "MatMul"))
                    && fg.singleUse(FusionGraph.in(prev, 0));
            String scores = firstIsScores ? FusionGraph.in(prev, 0) : FusionGraph.in(prev, 1);
            mask = firstIsScores ? FusionGraph.in(prev, 1) : FusionGraph.in(prev, 0);
            if (!fg.singleUse(scores) || !fg.isFloat(mask)) {
                return false;
            }
            group.add(prev);
            cur = scores;
            prev = fg.producer(scores);
        }
        float scale = 1f;
        if ((is(prev, "Div") || is(prev, "Mul")) && prev.inputs().size() == 2) {
            double c = fg.scalar(FusionGraph.in(prev, 1));
            if (Double.isNaN(c) || c == 0) {
                return false;
            }
            scale = (float) (prev.opType().equals("Div") ? 1 / c : c);
            group.add(prev);
            cur = FusionGraph.in(prev, 0);
            if (!fg.singleUse(cur)) {
                return false;
            }
            prev = fg.producer(cur);
        }
        if (!is(prev, "MatMul")) {
            return false;
        }
        Node qk = prev;
        group.add(qk);
        String p = softmax.outputs().get(0);
        if (!fg.singleUse(p)) {
            return false;
        }
        Node pv = fg.consumers(p).get(0);
        if (!is(pv, "MatMul") || !FusionGraph.in(pv, 0).equals(p)) {
            return false;
        }
        group.add(pv);
        String q = FusionGraph.in(qk, 0);
        String kt = FusionGraph.in(qk, 1);
        String v = FusionGraph.in(pv, 1);
        int r = ss.rank();
        if (rank(fg, q) != r || rank(fg, kt) != r || rank(fg, v) != r || !fg.isFloat(q) || !fg.isFloat(kt)
                || !fg.isFloat(v)) {
            return false;
        }
        String out = pv.outputs().get(0);
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        attrs.put("scale", FusionGraph.floatAttr("scale", scale));
        List<String> inputs;
        // Head-split transposes on all three operands and on the result: absorb them.
        Node tq = transpose(fg, q, HEADS);
        Node tk = transpose(fg, kt, HEADS_KT);
        Node tv = transpose(fg, v, HEADS);
        Node to = fg.singleUse(out) ? fg.consumers(out).get(0) : null;
        boolean toOk = is(to, "Transpose") && Arrays.equals(to.attrInts("perm", null), HEADS);
        if (r == 4 && tq != null && tk != null && tv != null && toOk) {
            group.addAll(List.of(tq, tk, tv, to));
            inputs = new ArrayList<>(List.of(FusionGraph.in(tq, 0), FusionGraph.in(tk, 0), FusionGraph.in(tv, 0)));
            attrs.put("layout", FusionGraph.stringAttr("layout", "BSHD"));
            out = to.outputs().get(0);
        } else {
            inputs = new ArrayList<>(List.of(q, kt, v));
            attrs.put("layout", FusionGraph.stringAttr("layout", "BHSD"));
            attrs.put("k_transposed", FusionGraph.intAttr("k_transposed", 1));
        }
        if (mask != null) {
            inputs.add(mask);
        }
        fg.replace(group, new Node(softmax.name() + "/Attention", "FusedAttention", FusedOps.DOMAIN, inputs,
                List.of(out), attrs, 1));
        return true;
    }

    /** @return the single-use Transpose with this perm producing v, or null */
    private static Node transpose(FusionGraph fg, String v, long[] perm) {
        Node t = fg.producer(v);
        if (!is(t, "Transpose") || !fg.singleUse(v) || !Arrays.equals(t.attrInts("perm", null), perm)) {
            return null;
        }
        return t;
    }

    private static int rank(FusionGraph fg, String v) {
        Shape s = fg.shape(v);
        return s.hasRank() ? s.rank() : -1;
    }
}
