package dev.clinfer.passes;

import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;
import dev.clinfer.ops.FusedExpression;
import dev.clinfer.ops.FusedExpression.Op;
import dev.clinfer.ops.FusedExpression.Step;
import dev.clinfer.ops.FusedOps;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuses maximal groups of float32 elementwise nodes whose intermediates have one reader each
 * into one {@code dev.clinfer.FusedElementwise} node ({@link FusedExpression}): one pass over
 * memory instead of one per op. Scalar constants become literals of the program.
 *
 * <p>Evaluating every step at the output's index is exact for pointwise ops: broadcasting
 * commutes with them. An intermediate smaller than the output is then recomputed per output
 * element, which costs flops but no memory traffic.
 */
final class ElementwiseFusion {
    /** Most external inputs of one group (the OpenCL kernel's argument list stays short). */
    static final int MAX_INPUTS = 8;
    /** Most steps of one group. */
    static final int MAX_STEPS = 64;

    private ElementwiseFusion() {
    }

    /**
     * @param fg    the graph
     * @param fired counts by pass name, added to
     */
    static void apply(FusionGraph fg, Map<String, Integer> fired) {
        List<Node> nodes = new ArrayList<>(fg.graph().nodes());
        Set<Node> done = new HashSet<>();
        Map<Node, Integer> position = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            position.put(nodes.get(i), i);
        }
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node root = nodes.get(i);
            if (done.contains(root) || !fusable(fg, root)) {
                continue;
            }
            List<Node> group = grow(fg, root, done);
            if (group.size() < 2) {
                continue;
            }
            group.sort((a, b) -> position.get(a) - position.get(b));
            Node fused = build(fg, group, root);
            if (fused == null) {
                continue;
            }
            done.addAll(group);
            fg.replace(group, fused);
            fired.merge("FuseElementwise", 1, Integer::sum);
            fired.merge("FuseElementwise.nodes", group.size(), Integer::sum);
        }
    }

    private static List<Node> grow(FusionGraph fg, Node root, Set<Node> done) {
        List<Node> group = new ArrayList<>();
        group.add(root);
        for (int k = 0; k < group.size() && group.size() < MAX_STEPS; k++) {
            Node n = group.get(k);
            for (String in : operands(fg, n)) {
                Node p = fg.producer(in);
                if (p != null && !done.contains(p) && !group.contains(p) && fg.singleUse(in) && fusable(fg, p)) {
                    group.add(p);
                }
            }
        }
        return group;
    }

    /** @return the tensor operands of n (Clip's bounds are parameters, not operands) */
    private static List<String> operands(FusionGraph fg, Node n) {
        if (n.opType().equals("Clip")) {
            return List.of(FusionGraph.in(n, 0));
        }
        return n.inputs();
    }

    static boolean fusable(FusionGraph fg, Node n) {
        if (!n.domain().isEmpty() || !FusedExpression.FUSABLE.contains(n.opType()) || n.outputs().size() != 1
                || !fg.isFloat(n.outputs().get(0))) {
            return false;
        }
        Op op = Op.valueOf(n.opType());
        List<String> ops = operands(fg, n);
        if (ops.size() != op.arity()) {
            return false;
        }
        for (String in : ops) {
            if (in.isEmpty() || !fg.isFloat(in)) {
                return false;
            }
        }
        return !n.opType().equals("Clip") || ConvActivationFusion.clipBounds(fg, n) != null;
    }

    private static boolean inlinable(FusionGraph fg, String v, int maxRank) {
        Tensor t = fg.constant(v);
        return t != null && t.numel() == 1 && (t.rank() == 0 || t.rank() <= maxRank);
    }

    private static Node build(FusionGraph fg, List<Node> group, Node root) {
        Set<String> produced = new HashSet<>();
        group.forEach(n -> produced.add(n.outputs().get(0)));
        // The external operands, and the highest rank among those that are not single values.
        List<String> outside = new ArrayList<>();
        for (Node n : group) {
            for (String in : operands(fg, n)) {
                if (!produced.contains(in) && !outside.contains(in)) {
                    outside.add(in);
                }
            }
        }
        int maxRank = -1;
        boolean unknown = false;
        for (String v : outside) {
            Tensor t = fg.constant(v);
            if (t != null && t.numel() == 1) {
                continue;
            }
            Shape s = fg.shape(v);
            if (!s.hasRank()) {
                unknown = true;
            } else {
                maxRank = Math.max(maxRank, s.rank());
            }
        }
        int limit = unknown ? 0 : maxRank;
        List<String> inputs = new ArrayList<>();
        for (String v : outside) {
            if (!inlinable(fg, v, limit)) {
                inputs.add(v);
            }
        }
        if (inputs.isEmpty() || inputs.size() > MAX_INPUTS) {
            return null;
        }
        Map<String, Integer> ref = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            ref.put(inputs.get(i), i);
        }
        int nIn = inputs.size();
        List<Step> steps = new ArrayList<>();
        for (Node n : group) {
            List<String> ops = operands(fg, n);
            int[] r = {-1, -1};
            for (int k = 0; k < ops.size(); k++) {
                String v = ops.get(k);
                Integer x = ref.get(v);
                if (x == null) {
                    steps.add(new Step(Op.Const, -1, -1, (float) fg.scalar(v), 0f));
                    x = nIn + steps.size() - 1;
                    ref.put(v, x);
                }
                r[k] = x;
            }
            float p0 = 0f;
            float p1 = 0f;
            switch (n.opType()) {
                case "Clip" -> {
                    float[] b = ConvActivationFusion.clipBounds(fg, n);
                    p0 = b[0];
                    p1 = b[1];
                }
                case "HardSigmoid" -> {
                    p0 = n.attrFloat("alpha", 0.2f);
                    p1 = n.attrFloat("beta", 0.5f);
                }
                case "LeakyRelu" -> p0 = n.attrFloat("alpha", 0.01f);
                default -> {
                }
            }
            steps.add(new Step(Op.valueOf(n.opType()), r[0], r[1], p0, p1));
            ref.put(n.outputs().get(0), nIn + steps.size() - 1);
        }
        FusedExpression prog = new FusedExpression(nIn, steps);
        Map<String, dev.clinfer.ir.Attribute> attrs = new LinkedHashMap<>();
        attrs.put("ops", FusionGraph.stringsAttr("ops", prog.opNames()));
        attrs.put("args", FusionGraph.intsAttr("args", prog.argsAttribute()));
        attrs.put("params", FusionGraph.floatsAttr("params", prog.paramsAttribute()));
        return new Node(root.name() + "/Fused", "FusedElementwise", FusedOps.DOMAIN, inputs, root.outputs(), attrs, 1);
    }
}
