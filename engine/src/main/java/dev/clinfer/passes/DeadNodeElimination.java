package dev.clinfer.passes;

import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Drops nodes whose outputs never reach a graph output, and initializers nobody reads. */
public final class DeadNodeElimination {
    private DeadNodeElimination() {
    }

    /**
     * @param g a topologically sorted graph, changed in place
     * @return the number of nodes removed
     */
    public static int apply(Graph g) {
        Set<String> live = new HashSet<>();
        for (ValueInfo o : g.outputs()) {
            live.add(o.name());
        }
        List<Node> kept = new ArrayList<>();
        List<Node> nodes = g.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            boolean needed = false;
            for (String o : n.outputs()) {
                if (live.contains(o)) {
                    needed = true;
                    break;
                }
            }
            if (needed) {
                kept.add(n);
                live.addAll(GraphScopes.reads(n));
            }
        }
        int removed = nodes.size() - kept.size();
        Collections.reverse(kept);
        nodes.clear();
        nodes.addAll(kept);
        g.initializers().keySet().retainAll(live);
        return removed;
    }
}
