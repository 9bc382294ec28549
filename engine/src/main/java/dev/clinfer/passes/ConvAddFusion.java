package dev.clinfer.passes;

import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Dim;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;
import dev.clinfer.ops.FusedOps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuses the residual connection of ResNet / MobileNet blocks, {@code Add(Conv(x), r)} and an
 * optional activation after it ({@code Relu(Add(Conv(x), r))}), into one
 * {@code dev.clinfer.FusedConvAdd} node: inputs {@code [X, W, B or "", R]}, Conv's attributes
 * plus {@code activation} / {@code activation_params} as on FusedConv. The kernel accumulates
 * the convolution onto R, so the separate pass over memory of the Add disappears.
 *
 * <p>A new op type rather than an extra FusedConv input, so that a backend without a kernel
 * for it (the OpenCL launchers) declines it instead of mis-running it. Only fires when R is
 * known to have the Conv output's exact shape (no broadcasting); the kernel still checks it
 * at run time and falls back to Conv + Add when it differs.
 */
final class ConvAddFusion {
    private ConvAddFusion() {
    }

    /**
     * @param fg    the graph
     * @param fired counts by pass name, added to
     */
    static void apply(FusionGraph fg, Map<String, Integer> fired) {
        for (Node conv : new ArrayList<>(fg.graph().nodes())) {
            if (!conv.opType().equals("Conv") || !conv.domain().isEmpty() || conv.outputs().size() != 1) {
                continue;
            }
            String y = conv.outputs().get(0);
            if (!fg.isFloat(y) || !fg.singleUse(y)) {
                continue;
            }
            Node add = fg.consumers(y).get(0);
            if (!add.opType().equals("Add") || !add.domain().isEmpty() || add.inputs().size() != 2
                    || add.outputs().size() != 1) {
                continue;
            }
            String a = FusionGraph.in(add, 0);
            String b = FusionGraph.in(add, 1);
            String r = a.equals(y) ? b : a;
            if (a.equals(b) || r.isEmpty() || !fg.isFloat(r) || !sameKnownShape(fg.shape(y), fg.shape(r))) {
                continue;
            }
            List<Node> group = new ArrayList<>(List.of(conv, add));
            Map<String, Attribute> attrs = new LinkedHashMap<>(conv.attributes());
            String sumOut = add.outputs().get(0);
            List<String> outputs = add.outputs();
            ConvActivationFusion.Match act = ConvActivationFusion.match(fg, sumOut);
            if (act != null) {
                group.addAll(act.nodes());
                attrs.put("activation", FusionGraph.stringAttr("activation", act.activation()));
                attrs.put("activation_params", FusionGraph.floatsAttr("activation_params", act.params()));
                outputs = act.nodes().get(act.nodes().size() - 1).outputs();
            }
            List<String> inputs = List.of(FusionGraph.in(conv, 0), FusionGraph.in(conv, 1), FusionGraph.in(conv, 2), r);
            Node fused = new Node(conv.name(), "FusedConvAdd", FusedOps.DOMAIN, inputs, outputs, attrs, conv.opset());
            fg.replace(group, fused);
            fired.merge("FuseConvAdd", 1, Integer::sum);
        }
    }

    /** Both shapes of the same known rank, every dim a known size or a named symbol, and equal. */
    private static boolean sameKnownShape(Shape s, Shape t) {
        if (!s.hasRank() || !t.hasRank() || s.rank() != t.rank()) {
            return false;
        }
        for (int i = 0; i < s.rank(); i++) {
            Dim d = s.dim(i);
            if (!d.equals(t.dim(i)) || (!d.isKnown() && d.symbol() == null)) {
                return false;
            }
        }
        return true;
    }
}
