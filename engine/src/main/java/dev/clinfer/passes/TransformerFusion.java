package dev.clinfer.passes;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;
import dev.clinfer.ops.FusedOps;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recognises the GELU and LayerNorm subgraphs of transformer exports:
 * <ul>
 *   <li>{@code x * 0.5 * (1 + erf(x / sqrt 2))} (in its usual orderings) becomes
 *       {@code dev.clinfer.FusedGelu};</li>
 *   <li>{@code ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt, Div [, Mul gamma] [, Add beta]}
 *       over the last axis becomes the standard LayerNormalization (opset 17).</li>
 * </ul>
 */
final class TransformerFusion {
    private static final double TOL = 1e-4;

    private TransformerFusion() {
    }

    /**
     * @param fg    the graph
     * @param fired counts by pass name, added to
     */
    static void apply(FusionGraph fg, Map<String, Integer> fired) {
        for (Node n : new ArrayList<>(fg.graph().nodes())) {
            if (!n.domain().isEmpty()) {
                continue;
            }
            if (n.opType().equals("Erf") && gelu(fg, n)) {
                fired.merge("FuseGelu", 1, Integer::sum);
            } else if (n.opType().equals("ReduceMean") && layerNorm(fg, n)) {
                fired.merge("FuseLayerNorm", 1, Integer::sum);
            }
        }
    }

    /** @return the one consumer of v when v is used once, else null */
    private static Node only(FusionGraph fg, String v) {
        return fg.singleUse(v) ? fg.consumers(v).get(0) : null;
    }

    private static boolean is(Node n, String op) {
        return n != null && n.opType().equals(op) && n.domain().isEmpty();
    }

    /** @return the operand of binary n that is not {@code v}, or null when v is not an operand */
    private static String other(Node n, String v) {
        if (n.inputs().size() != 2) {
            return null;
        }
        if (FusionGraph.in(n, 0).equals(v)) {
            return FusionGraph.in(n, 1);
        }
        return FusionGraph.in(n, 1).equals(v) ? FusionGraph.in(n, 0) : null;
    }

    private static boolean near(double a, double b) {
        return Math.abs(a - b) <= TOL * Math.max(1, Math.abs(b));
    }

    private static boolean gelu(FusionGraph fg, Node erf) {
        String e = FusionGraph.in(erf, 0);
        Node scale = fg.producer(e);
        if (scale == null || !fg.singleUse(e) || scale.inputs().size() != 2) {
            return false;
        }
        String x = FusionGraph.in(scale, 0);
        double c = fg.scalar(FusionGraph.in(scale, 1));
        boolean ok = (is(scale, "Div") && near(c, Math.sqrt(2))) || (is(scale, "Mul") && near(c, 1 / Math.sqrt(2)));
        if (!ok || !fg.isFloat(x)) {
            return false;
        }
        List<Node> group = new ArrayList<>(List.of(scale, erf));
        Node add = only(fg, erf.outputs().get(0));
        if (!is(add, "Add") || !near(fg.scalar(other(add, erf.outputs().get(0))), 1)) {
            return false;
        }
        group.add(add);
        String onePlus = add.outputs().get(0);
        Node m1 = only(fg, onePlus);
        if (!is(m1, "Mul")) {
            return false;
        }
        group.add(m1);
        String partner = other(m1, onePlus);
        String out;
        if (partner.equals(x)) {
            // x * (1 + erf) then * 0.5
            Node m2 = only(fg, m1.outputs().get(0));
            if (!is(m2, "Mul") || !near(fg.scalar(other(m2, m1.outputs().get(0))), 0.5)) {
                return false;
            }
            group.add(m2);
            out = m2.outputs().get(0);
        } else {
            // (x * 0.5) * (1 + erf)
            Node half = fg.producer(partner);
            if (!is(half, "Mul") || !fg.singleUse(partner) || other(half, x) == null
                    || !near(fg.scalar(other(half, x)), 0.5)) {
                return false;
            }
            group.add(half);
            out = m1.outputs().get(0);
        }
        // Nothing but the group may read the intermediates (x itself may have other readers).
        Set<Node> members = new HashSet<>(group);
        for (Node n : group) {
            String o = n.outputs().get(0);
            if (!o.equals(out) && !fg.usedOnlyBy(o, members)) {
                return false;
            }
        }
        fg.replace(group, new Node(erf.name(), "FusedGelu", FusedOps.DOMAIN, List.of(x), List.of(out), Map.of(), 1));
        return true;
    }

    /** @return true when a ReduceMean reduces only the last axis of x with keepdims */
    private static boolean lastAxisMean(FusionGraph fg, Node rm, String x) {
        if (!is(rm, "ReduceMean") || !FusionGraph.in(rm, 0).equals(x) || rm.attrInt("keepdims", 1) != 1) {
            return false;
        }
        long[] axes = rm.attrInts("axes", null);
        if (axes == null && rm.inputs().size() > 1) {
            Tensor t = fg.constant(FusionGraph.in(rm, 1));
            axes = t == null ? null : t.toLongArray();
        }
        Shape s = fg.shape(x);
        if (axes == null || axes.length != 1) {
            return false;
        }
        return axes[0] == -1 || (s.hasRank() && axes[0] == s.rank() - 1);
    }

    private static boolean layerNorm(FusionGraph fg, Node mean) {
        String x = FusionGraph.in(mean, 0);
        Shape xs = fg.shape(x);
        if (!fg.isFloat(x) || !xs.hasRank() || xs.rank() < 1 || !xs.dim(xs.rank() - 1).isKnown()
                || !lastAxisMean(fg, mean, x)) {
            return false;
        }
        long d = xs.dim(xs.rank() - 1).value();
        String m = mean.outputs().get(0);
        Node sub = only(fg, m);
        if (!is(sub, "Sub") || !FusionGraph.in(sub, 0).equals(x) || !FusionGraph.in(sub, 1).equals(m)) {
            return false;
        }
        String diff = sub.outputs().get(0);
        List<Node> dc = fg.consumers(diff);
        Node sq = null;
        Node div = null;
        for (Node c : dc) {
            if (is(c, "Pow") && FusionGraph.in(c, 0).equals(diff) && near(fg.scalar(FusionGraph.in(c, 1)), 2)) {
                sq = c;
            } else if (is(c, "Mul") && FusionGraph.in(c, 0).equals(diff) && FusionGraph.in(c, 1).equals(diff)) {
                sq = c;
            } else if (is(c, "Div") && FusionGraph.in(c, 0).equals(diff)) {
                div = c;
            }
        }
        if (dc.size() != 2 || sq == null || div == null) {
            return false;
        }
        Node var = only(fg, sq.outputs().get(0));
        if (var == null || !lastAxisMean(fg, var, sq.outputs().get(0))) {
            return false;
        }
        Node addEps = only(fg, var.outputs().get(0));
        if (!is(addEps, "Add")) {
            return false;
        }
        double eps = fg.scalar(other(addEps, var.outputs().get(0)));
        Node sqrt = only(fg, addEps.outputs().get(0));
        if (Double.isNaN(eps) || !is(sqrt, "Sqrt") || only(fg, sqrt.outputs().get(0)) != div
                || !FusionGraph.in(div, 1).equals(sqrt.outputs().get(0))) {
            return false;
        }
        List<Node> group = new ArrayList<>(List.of(mean, sub, sq, var, addEps, sqrt, div));
        String out = div.outputs().get(0);
        String gamma = null;
        String beta = null;
        Node mul = only(fg, out);
        if (is(mul, "Mul") && vector(fg, other(mul, out), d)) {
            gamma = other(mul, out);
            group.add(mul);
            out = mul.outputs().get(0);
            Node add = only(fg, out);
            if (is(add, "Add") && vector(fg, other(add, out), d)) {
                beta = other(add, out);
                group.add(add);
                out = add.outputs().get(0);
            }
        }
        if (gamma == null) {
            float[] ones = new float[(int) d];
            java.util.Arrays.fill(ones, 1f);
            gamma = fg.addConstant(mean.name() + "_scale", Tensor.of(ones, d));
        }
        List<String> inputs = new ArrayList<>(List.of(x, gamma));
        if (beta != null) {
            inputs.add(beta);
        }
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        attrs.put("axis", FusionGraph.intAttr("axis", -1));
        attrs.put("epsilon", FusionGraph.floatAttr("epsilon", (float) eps));
        fg.replace(group, new Node(mean.name() + "/LayerNorm", "LayerNormalization", "", inputs, List.of(out), attrs, 17));
        return true;
    }

    /** @return true when v is a float32 constant holding d values along its last dim only */
    private static boolean vector(FusionGraph fg, String v, long d) {
        Tensor t = v == null ? null : fg.constant(v);
        if (t == null || t.dataType() != DataType.FLOAT || t.numel() != d || t.rank() < 1) {
            return false;
        }
        return t.dim(t.rank() - 1) == d && t.rank() == 1;
    }
}
