package dev.clinfer.passes;

import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Node;
import dev.clinfer.ops.FusedOps;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuses a Conv (with its bias) and the activation after it into one {@code dev.clinfer.FusedConv}
 * node: Relu, Clip (constant bounds), HardSigmoid, HardSwish, LeakyRelu, Sigmoid, and the
 * decomposed forms exporters write: {@code x * Sigmoid(x)} (Swish),
 * {@code x * Clip(x + 3, 0, 6) / 6} and {@code x * HardSigmoid(x; 1/6, 1/2)} (HardSwish).
 */
final class ConvActivationFusion {
    private static final float TOL = 1e-6f;

    private ConvActivationFusion() {
    }

    /** What matched: the nodes after the Conv, the activation and its parameters. */
    record Match(List<Node> nodes, String activation, float[] params) {
    }

    /**
     * @param fg    the graph
     * @param fired counts by pass name, added to
     */
    static void apply(FusionGraph fg, Map<String, Integer> fired) {
        // Residual blocks first, so Conv -> Add -> Relu becomes one FusedConvAdd rather than a
        // FusedConv whose output still goes through a separate Add.
        if (!GraphOptimizer.disabledPasses().contains("convadd")) {
            ConvAddFusion.apply(fg, fired);
        }
        for (Node conv : new ArrayList<>(fg.graph().nodes())) {
            if (!conv.opType().equals("Conv") || !conv.domain().isEmpty() || conv.outputs().size() != 1) {
                continue;
            }
            String y = conv.outputs().get(0);
            if (!fg.isFloat(y) && !fg.isFloat(FusionGraph.in(conv, 0))) {
                continue;
            }
            Match m = match(fg, y);
            if (m == null) {
                continue;
            }
            Map<String, Attribute> attrs = new LinkedHashMap<>(conv.attributes());
            attrs.put("activation", FusionGraph.stringAttr("activation", m.activation()));
            attrs.put("activation_params", FusionGraph.floatsAttr("activation_params", m.params()));
            Node last = m.nodes().get(m.nodes().size() - 1);
            Node fused = new Node(conv.name(), "FusedConv", FusedOps.DOMAIN, conv.inputs(), last.outputs(), attrs,
                    conv.opset());
            List<Node> group = new ArrayList<>(m.nodes());
            group.add(conv);
            fg.replace(group, fused);
            fired.merge("FuseConvActivation", 1, Integer::sum);
        }
    }

    /**
     * @param fg the graph
     * @param y  a value
     * @return the activation reading {@code y} alone that a producer of y may absorb, or null
     */
    static Match match(FusionGraph fg, String y) {
        List<Node> cons = fg.consumers(y);
        if (fg.graph().outputs().stream().anyMatch(o -> o.name().equals(y))) {
            return null;
        }
        if (cons.size() == 1) {
            Node a = cons.get(0);
            if (!a.domain().isEmpty() || !FusionGraph.in(a, 0).equals(y)) {
                return null;
            }
            switch (a.opType()) {
                case "Relu":
                    return new Match(List.of(a), "Relu", new float[0]);
                case "HardSwish":
                    return new Match(List.of(a), "HardSwish", new float[0]);
                case "Sigmoid":
                    return new Match(List.of(a), "Sigmoid", new float[0]);
                case "LeakyRelu":
                    return new Match(List.of(a), "LeakyRelu", new float[] {a.attrFloat("alpha", 0.01f)});
                case "HardSigmoid":
                    return new Match(List.of(a), "HardSigmoid",
                            new float[] {a.attrFloat("alpha", 0.2f), a.attrFloat("beta", 0.5f)});
                case "Clip": {
                    float[] b = clipBounds(fg, a);
                    return b == null ? null : new Match(List.of(a), "Clip", b);
                }
                default:
                    return null;
            }
        }
        if (cons.size() == 2) {
            return matchGated(fg, y, cons);
        }
        return null;
    }

    /** y * f(y) forms: Swish and the two decomposed HardSwish forms. */
    private static Match matchGated(FusionGraph fg, String y, List<Node> cons) {
        Node mul = null;
        Node other = null;
        for (Node c : cons) {
            if (c.opType().equals("Mul") && c.domain().isEmpty() && mul == null) {
                mul = c;
            } else {
                other = c;
            }
        }
        if (mul == null || other == null || !other.domain().isEmpty() || other.outputs().isEmpty()) {
            return null;
        }
        String g = other.outputs().get(0);
        List<Node> chain = new ArrayList<>();
        chain.add(other);
        String gate = g;
        String act;
        if (other.opType().equals("Sigmoid")) {
            act = "Swish";
        } else if (other.opType().equals("HardSigmoid") && near(other.attrFloat("alpha", 0.2f), 1f / 6)
                && near(other.attrFloat("beta", 0.5f), 0.5f)) {
            act = "HardSwish";
        } else if (other.opType().equals("Add") && addsConstant(fg, other, y, 3f) && fg.singleUse(g)) {
            Node clip = fg.consumers(g).get(0);
            float[] b = clip.opType().equals("Clip") && clip.domain().isEmpty() ? clipBounds(fg, clip) : null;
            if (b == null || !near(b[0], 0f) || !near(b[1], 6f)) {
                return null;
            }
            chain.add(clip);
            gate = clip.outputs().get(0);
            act = "HardSwish/6";
        } else {
            return null;
        }
        if (!fg.singleUse(gate) || !operands(mul, y, gate)) {
            return null;
        }
        chain.add(mul);
        if (act.equals("HardSwish/6")) {
            // y * clip(y + 3, 0, 6) still needs the division by 6.
            String p = mul.outputs().get(0);
            if (!fg.singleUse(p)) {
                return null;
            }
            Node div = fg.consumers(p).get(0);
            boolean ok = div.domain().isEmpty() && div.inputs().size() == 2 && FusionGraph.in(div, 0).equals(p)
                    && ((div.opType().equals("Div") && near((float) fg.scalar(FusionGraph.in(div, 1)), 6f))
                    || (div.opType().equals("Mul") && near((float) fg.scalar(FusionGraph.in(div, 1)), 1f / 6)));
            if (!ok) {
                return null;
            }
            chain.add(div);
            act = "HardSwish";
        }
        Set<Node> seen = new HashSet<>(chain);
        return seen.size() == chain.size() ? new Match(chain, act, new float[0]) : null;
    }

    private static boolean operands(Node n, String a, String b) {
        return n.inputs().size() == 2 && ((FusionGraph.in(n, 0).equals(a) && FusionGraph.in(n, 1).equals(b))
                || (FusionGraph.in(n, 0).equals(b) && FusionGraph.in(n, 1).equals(a)));
    }

    private static boolean addsConstant(FusionGraph fg, Node add, String x, float c) {
        if (add.inputs().size() != 2) {
            return false;
        }
        String a = FusionGraph.in(add, 0);
        String b = FusionGraph.in(add, 1);
        return (a.equals(x) && near((float) fg.scalar(b), c)) || (b.equals(x) && near((float) fg.scalar(a), c));
    }

    /** @return Clip's [min, max] when they are constants (absent = unbounded), else null */
    static float[] clipBounds(FusionGraph fg, Node clip) {
        if (clip.opset() < 11) {
            return new float[] {clip.attrFloat("min", -Float.MAX_VALUE), clip.attrFloat("max", Float.MAX_VALUE)};
        }
        float[] b = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        for (int k = 1; k <= 2; k++) {
            String in = FusionGraph.in(clip, k);
            if (in.isEmpty()) {
                continue;
            }
            double v = fg.scalar(in);
            if (Double.isNaN(v) || !fg.isFloat(in)) {
                return null;
            }
            b[k - 1] = (float) v;
        }
        return b;
    }

    private static boolean near(float a, float b) {
        return Math.abs(a - b) <= TOL * Math.max(1f, Math.abs(b));
    }
}
