package dev.clinfer.passes;

import dev.clinfer.ir.Node;

import java.util.HashMap;
import java.util.Map;

/**
 * The per-operator shape rules of {@link ShapeInference}, by op type of the default domain.
 * Each family lives in its own {@code ShapeRules*} class; a rule sets the node's outputs in the
 * context and may throw anything on malformed input (the driver then marks the outputs unknown).
 */
final class ShapeRules {
    /** One operator's rule. */
    @FunctionalInterface
    interface Rule {
        /**
         * @param n the node
         * @param c inferred facts so far; the rule sets the node's outputs there
         */
        void apply(Node n, ShapeInferenceContext c);
    }

    private static final Map<String, Rule> RULES = build();
    private static final Map<String, Rule> FUSED = buildFused();

    private ShapeRules() {
    }

    private static Map<String, Rule> build() {
        Map<String, Rule> m = new HashMap<>();
        ShapeRulesElementwise.register(m);
        ShapeRulesNN.register(m);
        ShapeRulesReduce.register(m);
        ShapeRulesTensor.register(m);
        ShapeRulesIndex.register(m);
        ShapeRulesEinsum.register(m);
        return m;
    }

    private static Map<String, Rule> buildFused() {
        Map<String, Rule> m = new HashMap<>();
        ShapeRulesFused.register(m, RULES);
        return m;
    }

    /** @param n a node @return its rule, or null when no rule knows the op */
    static Rule find(Node n) {
        if (n.domain().equals(dev.clinfer.ops.FusedOps.DOMAIN)) {
            return FUSED.get(n.opType());
        }
        if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
            return null;
        }
        return RULES.get(n.opType());
    }
}
