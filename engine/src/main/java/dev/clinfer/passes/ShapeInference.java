package dev.clinfer.passes;

import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Dim;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;
import dev.clinfer.ir.ValueInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Infers element types and (possibly symbolic) shapes of every value of a sorted graph, from
 * its inputs, initializers and each operator's shape rules ({@link ShapeRules}). Symbolic dims
 * stay symbolic: {@code [batch,3,224,224]} through a Conv gives {@code [batch,64,112,112]}.
 *
 * <p>Inference never throws: an op without a rule, or a rule that meets inputs it cannot
 * handle, leaves its outputs unknown (unknown rank, null type). Where the file declared a
 * value's type or shape, that declaration fills what inference could not tell.
 */
public final class ShapeInference {
    private ShapeInference() {
    }

    /**
     * @param g a sorted graph
     * @return value name to inferred info; values whose shape cannot be inferred are absent or
     *         have an unknown-rank shape
     */
    public static Map<String, ValueInfo> infer(Graph g) {
        ShapeInferenceContext c = new ShapeInferenceContext();
        Map<String, ValueInfo> declared = g.valueInfos();
        for (ValueInfo v : g.inputs()) {
            c.put(v);
        }
        for (Map.Entry<String, Tensor> e : g.initializers().entrySet()) {
            c.putConstant(e.getKey(), e.getValue());
        }
        for (Node n : g.nodes()) {
            inferNode(n, c);
            for (String o : n.outputs()) {
                if (!o.isEmpty()) {
                    c.put(merge(c.infos().get(o), declared.get(o), o));
                }
            }
        }
        Map<String, ValueInfo> out = new LinkedHashMap<>(declared);
        out.putAll(c.infos());
        for (ValueInfo v : g.outputs()) {
            out.put(v.name(), merge(out.get(v.name()), v, v.name()));
        }
        return out;
    }

    private static void inferNode(Node n, ShapeInferenceContext c) {
        ShapeRules.Rule rule = ShapeRules.find(n);
        if (rule != null) {
            try {
                rule.apply(n, c);
                return;
            } catch (RuntimeException e) {
                // Malformed or unusual input: the outputs stay unknown; the run will say what is wrong.
            }
        }
        for (int k = 0; k < n.outputs().size(); k++) {
            c.set(n, k, null, Shape.unknownRank());
        }
    }

    /**
     * Combines an inferred info with the file's declaration: inferred facts win, the declaration
     * fills unknown types, unknown ranks and unknown dims.
     *
     * @param inferred what the rules said (may be null)
     * @param declared what the file said (may be null)
     * @param name     the value
     * @return the combination
     */
    static ValueInfo merge(ValueInfo inferred, ValueInfo declared, String name) {
        if (declared == null || !"tensor".equals(declared.kind())) {
            return inferred != null ? inferred : declared != null ? declared
                    : ValueInfo.tensor(name, null, Shape.unknownRank());
        }
        if (inferred == null) {
            return declared;
        }
        Shape a = inferred.shape() == null ? Shape.unknownRank() : inferred.shape();
        Shape b = declared.shape() == null ? Shape.unknownRank() : declared.shape();
        Shape shape;
        if (!a.hasRank()) {
            shape = b;
        } else if (!b.hasRank() || b.rank() != a.rank()) {
            shape = a;
        } else {
            List<Dim> dims = new ArrayList<>();
            for (int i = 0; i < a.rank(); i++) {
                Dim x = a.dim(i);
                Dim y = b.dim(i);
                dims.add(x.isKnown() || (x.isSymbolic() && !y.isKnown()) || (!y.isKnown() && !y.isSymbolic()) ? x : y);
            }
            shape = Shape.of(dims);
        }
        return new ValueInfo(name, inferred.type() != null ? inferred.type() : declared.type(), shape,
                inferred.kind());
    }
}
