package dev.clinfer.passes;

import dev.clinfer.api.ModelFormatException;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Orders a graph's nodes so every value is produced before it is read (stable: file order
 * where it is free), and rejects cycles, duplicate producers and reads of undefined values.
 */
public final class TopologicalSort {
    private TopologicalSort() {
    }

    /**
     * @param g          the graph, sorted in place
     * @param outerNames values visible from enclosing graphs (empty for the main graph)
     */
    public static void apply(Graph g, Set<String> outerNames) {
        Set<String> available = new HashSet<>(outerNames);
        available.addAll(g.initializers().keySet());
        for (ValueInfo v : g.inputs()) {
            available.add(v.name());
        }
        Map<String, Integer> producer = new HashMap<>();
        List<Node> nodes = g.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            for (String o : nodes.get(i).outputs()) {
                if (o.isEmpty()) {
                    continue;
                }
                if (producer.put(o, i) != null) {
                    throw new ModelFormatException("value '" + o + "' is produced by two nodes (" + nodes.get(i)
                            + " is the second)");
                }
            }
        }
        int[] pending = new int[nodes.size()];
        Map<Integer, List<Integer>> consumers = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            for (String r : GraphScopes.reads(n)) {
                Integer p = producer.get(r);
                if (p != null) {
                    if (p == i) {
                        throw new ModelFormatException(n + " reads its own output '" + r + "'");
                    }
                    pending[i]++;
                    consumers.computeIfAbsent(p, k -> new ArrayList<>()).add(i);
                } else if (!available.contains(r)) {
                    throw new ModelFormatException(n + " reads '" + r
                            + "', which is not a graph input, an initializer or any node's output");
                }
            }
        }
        // Kahn's algorithm; a priority on the original index keeps file order when possible.
        java.util.PriorityQueue<Integer> ready = new java.util.PriorityQueue<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        List<Node> sorted = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            int i = ready.poll();
            sorted.add(nodes.get(i));
            for (int c : consumers.getOrDefault(i, List.of())) {
                if (--pending[c] == 0) {
                    ready.add(c);
                }
            }
        }
        if (sorted.size() != nodes.size()) {
            for (int i = 0; i < nodes.size(); i++) {
                if (pending[i] > 0) {
                    throw new ModelFormatException("graph '" + g.name() + "' has a cycle through " + nodes.get(i));
                }
            }
        }
        nodes.clear();
        nodes.addAll(sorted);
    }
}
