package dev.clinfer.passes;

import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.ops.ExecContext;
import dev.clinfer.ops.OpRegistry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The load-time pass pipeline: sort, drop dead nodes, infer shapes, fold constants (twice, as
 * folding exposes more static shapes), and plan memory. Subgraphs are sorted too.
 */
public final class GraphOptimizer {
    /**
     * What the pipeline did.
     *
     * @param removedNodes nodes dropped as dead
     * @param foldedOps    op types folded into constants (one entry per node)
     * @param valueInfos   inferred infos of every value
     * @param memory       the static memory plan (symbolic dims taken as 1)
     * @param fusions      what the fusion passes did: rewrite name to times it fired (empty when
     *                     optimisation is off). Names: FoldBatchNorm, FoldConvAffine,
     *                     FuseLayerNorm, FuseGelu, FuseAttention, MatMulAddToGemm,
     *                     FoldTransposeIntoGemm, FuseConvActivation, FuseElementwise (groups) and
     *                     FuseElementwise.nodes (the nodes those groups absorbed)
     */
    public record Report(int removedNodes, List<String> foldedOps, Map<String, ValueInfo> valueInfos,
                         MemoryPlanner.Plan memory, Map<String, Integer> fusions) {
    }

    private GraphOptimizer() {
    }

    /**
     * @param g        the main graph, changed in place
     * @param registry operators (used for folding)
     * @param ctx      a load-time context
     * @param optimize false to only sort and plan (no folding, no dead-node removal)
     * @return what happened
     */
    public static Report run(Graph g, OpRegistry registry, ExecContext ctx, boolean optimize) {
        sortAll(g, new HashSet<>());
        int removed = 0;
        List<String> folded = new ArrayList<>();
        Map<String, ValueInfo> infos = ShapeInference.infer(g);
        if (optimize) {
            removed += DeadNodeElimination.apply(g);
            for (int round = 0; round < 2; round++) {
                List<String> f = ConstantFolding.apply(g, registry, ctx, staticShapes(infos, g));
                folded.addAll(f);
                if (f.isEmpty()) {
                    break;
                }
                removed += DeadNodeElimination.apply(g);
                infos = ShapeInference.infer(g);
            }
        }
        Map<String, Integer> fusions = new LinkedHashMap<>();
        if (optimize) {
            int before = g.nodes().size();
            infos = fuse(g, infos, fusions);
            DeadNodeElimination.apply(g);
            if (g.nodes().size() != before) {
                infos = ShapeInference.infer(g);
            }
        }
        MemoryPlanner.Plan mem = MemoryPlanner.plan(g, infos, 1);
        return new Report(removed, folded, infos, mem, fusions);
    }

    /**
     * The fusion passes, in an order where each sees what it matches before a more general pass
     * could take it apart: folding into convolutions first, then the transformer patterns, GEMM
     * rewrites, activation epilogues, and last the generic elementwise chains.
     *
     * @param g       the sorted main graph
     * @param infos   inferred value infos
     * @param fired   counts by rewrite name, added to
     * @return value infos of the rewritten graph
     */
    static Map<String, ValueInfo> fuse(Graph g, Map<String, ValueInfo> infos, Map<String, Integer> fired) {
        Set<String> off = disabledPasses();
        if (!off.contains("batchnorm")) {
            BatchNormFolding.apply(new FusionGraph(g, infos), fired);
            DeadNodeElimination.apply(g);
        }
        FusionGraph fg = new FusionGraph(g, infos);
        if (!off.contains("transformer")) {
            TransformerFusion.apply(fg, fired);
        }
        if (!off.contains("attention")) {
            AttentionFusion.apply(fg, fired);
        }
        if (!off.contains("gemm")) {
            GemmFusion.apply(fg, fired);
        }
        if (!off.contains("convact")) {
            ConvActivationFusion.apply(fg, fired);
        }
        // New fused nodes have no inferred infos yet; the chains need the types of their inputs.
        infos = ShapeInference.infer(g);
        if (!off.contains("elementwise")) {
            ElementwiseFusion.apply(new FusionGraph(g, infos), fired);
        }
        return ShapeInference.infer(g);
    }

    /**
     * Fusion passes switched off by the system property {@code clinfer.passes.off} (comma
     * separated: batchnorm, transformer, attention, gemm, convact, elementwise), for diagnosing a
     * rewrite without turning all optimisation off.
     */
    static Set<String> disabledPasses() {
        String v = System.getProperty("clinfer.passes.off", "");
        Set<String> s = new HashSet<>();
        for (String p : v.split(",")) {
            if (!p.isBlank()) {
                s.add(p.trim().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return s;
    }

    private static Map<String, long[]> staticShapes(Map<String, ValueInfo> infos, Graph g) {
        Map<String, long[]> m = new HashMap<>();
        for (ValueInfo v : infos.values()) {
            if (v.shape() != null && v.shape().isStatic() && "tensor".equals(v.kind())) {
                m.put(v.name(), v.shape().toArray());
            }
        }
        return m;
    }

    private static void sortAll(Graph g, Set<String> outer) {
        TopologicalSort.apply(g, outer);
        Set<String> visible = new HashSet<>(outer);
        visible.addAll(g.initializers().keySet());
        for (ValueInfo v : g.inputs()) {
            visible.add(v.name());
        }
        for (Node n : g.nodes()) {
            visible.addAll(n.outputs());
        }
        for (Node n : g.nodes()) {
            for (Attribute a : n.attributes().values()) {
                if (a.g() != null) {
                    sortAll(a.g(), visible);
                }
                if (a.graphs() != null) {
                    for (Graph sg : a.graphs()) {
                        sortAll(sg, visible);
                    }
                }
            }
        }
    }

    /**
     * @param g a graph
     * @return op type histogram, most frequent first, including subgraph nodes
     */
    public static Map<String, Integer> opHistogram(Graph g) {
        Map<String, Integer> h = new HashMap<>();
        count(g, h);
        Map<String, Integer> sorted = new LinkedHashMap<>();
        h.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue() != 0 ? b.getValue() - a.getValue()
                : a.getKey().compareTo(b.getKey())).forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    private static void count(Graph g, Map<String, Integer> h) {
        for (Node n : g.nodes()) {
            h.merge(n.opType(), 1, Integer::sum);
            for (Attribute a : n.attributes().values()) {
                if (a.g() != null) {
                    count(a.g(), h);
                }
                if (a.graphs() != null) {
                    a.graphs().forEach(sg -> count(sg, h));
                }
            }
        }
    }
}
