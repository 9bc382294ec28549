package dev.clinfer.passes;

import dev.clinfer.api.DataType;
import dev.clinfer.ir.Dim;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Shape rules of clinfer's fused operators (domain {@code dev.clinfer}): each answers what the
 * ops it replaced would have answered.
 */
final class ShapeRulesFused {
    private ShapeRulesFused() {
    }

    static void register(Map<String, ShapeRules.Rule> m, Map<String, ShapeRules.Rule> standard) {
        ShapeRules.Rule conv = standard.get("Conv");
        m.put("FusedConv", conv);
        // Inputs 0-2 are Conv's; the residual (input 3) has the output's shape.
        m.put("FusedConvAdd", conv);
        m.put("FusedGelu", (n, c) -> c.set(n, 0, c.type(n, 0), c.shape(n, 0)));
        m.put("FusedElementwise", (n, c) -> {
            List<Shape> shapes = new ArrayList<>();
            for (int k = 0; k < n.inputs().size(); k++) {
                shapes.add(c.shape(n, k));
            }
            c.set(n, 0, DataType.FLOAT, shapes.isEmpty() ? Shape.of() : ShapeInferenceDims.broadcast(shapes));
        });
        m.put("FusedMatMul", (n, c) -> {
            Shape a = c.shape(n, 0);
            Shape b = c.shape(n, 1);
            if (!a.hasRank()) {
                c.set(n, 0, c.type(n, 0), null);
                return;
            }
            List<Dim> out = ShapeInferenceDims.dims(a);
            Dim nn = b.hasRank() && b.rank() == 2 ? b.dim(n.attrInt("transB", 0) != 0 ? 0 : 1) : Dim.unknown();
            out.set(out.size() - 1, nn);
            c.set(n, 0, c.type(n, 0), Shape.of(out));
        });
        m.put("FusedAttention", ShapeRulesFused::attention);
    }

    private static void attention(Node n, ShapeInferenceContext c) {
        Shape q = c.shape(n, 0);
        Shape v = c.shape(n, 2);
        if (!q.hasRank() || !v.hasRank() || q.rank() != v.rank() || q.rank() < 2) {
            c.set(n, 0, c.type(n, 0), q.hasRank() ? ShapeInferenceDims.unknownDims(q.rank()) : null);
            return;
        }
        List<Dim> out = ShapeInferenceDims.dims(q);
        out.set(out.size() - 1, v.dim(v.rank() - 1));
        c.set(n, 0, c.type(n, 0), Shape.of(out));
    }
}
