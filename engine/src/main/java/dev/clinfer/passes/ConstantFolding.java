package dev.clinfer.passes;

import dev.clinfer.api.ClinferException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;
import dev.clinfer.ops.ExecContext;
import dev.clinfer.ops.OpRegistry;
import dev.clinfer.ops.Operator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates, at load time, every node whose inputs are all constants, and replaces it by
 * initializers. {@code Shape} of a value whose shape is already static folds too, which
 * collapses the Shape→Gather→Unsqueeze→Concat→Reshape chains of transformer exports.
 */
public final class ConstantFolding {
    /** Results larger than this stay computed at run time rather than bloating the model. */
    static final long MAX_FOLDED_ELEMENTS = 1 << 24;

    private static final Set<String> NON_DETERMINISTIC = Set.of(
            "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli", "Dropout");

    private ConstantFolding() {
    }

    /**
     * @param g        a sorted graph, changed in place
     * @param registry operators
     * @param ctx      a load-time context
     * @param shapes   known static shapes by value name (may be empty)
     * @return names of the op types that were folded, one entry per node
     */
    public static List<String> apply(Graph g, OpRegistry registry, ExecContext ctx, Map<String, long[]> shapes) {
        List<String> folded = new ArrayList<>();
        Map<String, Tensor> consts = g.initializers();
        Iterator<Node> it = g.nodes().iterator();
        while (it.hasNext()) {
            Node n = it.next();
            if (n.domain().length() > 0 || NON_DETERMINISTIC.contains(n.opType()) || GraphScopes.hasSubgraph(n)) {
                continue;
            }
            Tensor[] result = null;
            if (n.opType().equals("Shape") && !n.inputs().isEmpty() && shapes.containsKey(n.inputs().get(0))
                    && !consts.containsKey(n.inputs().get(0))) {
                result = foldShape(n, shapes.get(n.inputs().get(0)));
            } else if (allConstant(n, consts)) {
                Operator op = registry.find(n.domain(), n.opType());
                if (op == null) {
                    continue;
                }
                Tensor[] in = new Tensor[n.inputs().size()];
                for (int k = 0; k < in.length; k++) {
                    in[k] = n.inputs().get(k).isEmpty() ? null : consts.get(n.inputs().get(k));
                }
                try {
                    result = op.run(n, in, ctx);
                } catch (RuntimeException | StackOverflowError e) {
                    // Any kernel failure (a ClinferException, or a crash on a malformed node such as a
                    // missing required input): leave the node for run time, where the interpreter
                    // checks inputs and wraps failures with the node's name.
                }
            }
            if (result == null || !small(result)) {
                continue;
            }
            for (int k = 0; k < n.outputs().size(); k++) {
                if (!n.outputs().get(k).isEmpty() && k < result.length && result[k] != null) {
                    consts.put(n.outputs().get(k), result[k]);
                }
            }
            folded.add(n.opType());
            it.remove();
        }
        return folded;
    }

    private static boolean allConstant(Node n, Map<String, Tensor> consts) {
        for (String in : n.inputs()) {
            if (!in.isEmpty() && !consts.containsKey(in)) {
                return false;
            }
        }
        return true;
    }

    private static boolean small(Tensor[] ts) {
        for (Tensor t : ts) {
            if (t != null && t.size() > MAX_FOLDED_ELEMENTS) {
                return false;
            }
        }
        return true;
    }

    private static Tensor[] foldShape(Node n, long[] shape) {
        int r = shape.length;
        long start = n.attrInt("start", 0);
        long end = n.attrInt("end", r);
        start = Math.max(0, Math.min(r, start < 0 ? start + r : start));
        end = Math.max(0, Math.min(r, end < 0 ? end + r : end));
        long[] v = new long[(int) Math.max(0, end - start)];
        System.arraycopy(shape, (int) start, v, 0, v.length);
        return new Tensor[] {Tensor.ofLongs(v, v.length)};
    }
}
