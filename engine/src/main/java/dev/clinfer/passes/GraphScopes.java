package dev.clinfer.passes;

import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;

import java.util.LinkedHashSet;
import java.util.Set;

/** Name-scope questions about graphs with subgraphs. */
public final class GraphScopes {
    private GraphScopes() {
    }

    /**
     * Values a node reads: its explicit inputs plus the outer-scope names its subgraphs use.
     *
     * @param node the node
     * @return names, without empty ones
     */
    public static Set<String> reads(Node node) {
        Set<String> s = new LinkedHashSet<>();
        for (String in : node.inputs()) {
            if (!in.isEmpty()) {
                s.add(in);
            }
        }
        for (Attribute a : node.attributes().values()) {
            if (a.g() != null) {
                s.addAll(outerReads(a.g()));
            }
            if (a.graphs() != null) {
                for (Graph g : a.graphs()) {
                    s.addAll(outerReads(g));
                }
            }
        }
        return s;
    }

    /**
     * Names a subgraph reads that it does not define itself (they come from enclosing graphs).
     *
     * @param g the subgraph
     * @return the free names
     */
    public static Set<String> outerReads(Graph g) {
        Set<String> defined = new LinkedHashSet<>(g.initializers().keySet());
        for (ValueInfo v : g.inputs()) {
            defined.add(v.name());
        }
        for (Node n : g.nodes()) {
            defined.addAll(n.outputs());
        }
        Set<String> free = new LinkedHashSet<>();
        for (Node n : g.nodes()) {
            for (String r : reads(n)) {
                if (!defined.contains(r)) {
                    free.add(r);
                }
            }
        }
        for (ValueInfo o : g.outputs()) {
            if (!defined.contains(o.name())) {
                free.add(o.name());
            }
        }
        return free;
    }

    /** @param node a node @return true when it carries a subgraph attribute */
    public static boolean hasSubgraph(Node node) {
        for (Attribute a : node.attributes().values()) {
            if (a.g() != null || (a.graphs() != null && !a.graphs().isEmpty())) {
                return true;
            }
        }
        return false;
    }
}
