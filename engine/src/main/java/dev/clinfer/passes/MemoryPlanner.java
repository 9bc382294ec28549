package dev.clinfer.passes;

import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Liveness-based static memory plan: each activation lives from the step that produces it to
 * its last reader, and buffers are packed first-fit into one arena so a dead value's bytes
 * serve later ones. The arena size is the peak activation memory of one request.
 */
public final class MemoryPlanner {
    /**
     * The plan's figures.
     *
     * @param peakBytes      arena size with reuse (the peak of one request)
     * @param totalBytes     sum of all activation sizes (what no reuse would need)
     * @param plannedValues  activations with a known size
     * @param unknownValues  activations whose size is not known before run time
     * @param offsets        arena offset of each planned value
     */
    public record Plan(long peakBytes, long totalBytes, int plannedValues, int unknownValues, Map<String, Long> offsets) {
    }

    /** Ops whose output is a view of their first input (the kernels return {@code input.reshape}). */
    static final Set<String> VIEW_OPS = Set.of("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity");

    private MemoryPlanner() {
    }

    /**
     * @param g     a sorted graph
     * @param infos inferred value infos; symbolic dims count as {@code symbolValue}
     * @param symbolValue size assumed for a symbolic dim (e.g. batch 1)
     * @return the plan
     */
    public static Plan plan(Graph g, Map<String, ValueInfo> infos, long symbolValue) {
        List<Node> nodes = g.nodes();
        Set<String> outputs = new HashSet<>();
        for (ValueInfo o : g.outputs()) {
            outputs.add(o.name());
        }
        Map<String, Integer> birth = new HashMap<>();
        Map<String, Integer> death = new HashMap<>();
        Map<String, String> viewOf = new HashMap<>(); // a view's name -> the buffer it shares
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            for (String r : GraphScopes.reads(n)) {
                String owner = viewOf.getOrDefault(r, r);
                if (birth.containsKey(owner)) {
                    death.put(owner, Math.max(death.get(owner), i));
                }
            }
            boolean view = VIEW_OPS.contains(n.opType()) && !n.inputs().isEmpty()
                    && birth.containsKey(viewOf.getOrDefault(n.inputs().get(0), n.inputs().get(0)));
            for (String o : n.outputs()) {
                if (o.isEmpty()) {
                    continue;
                }
                if (view) {
                    String owner = viewOf.getOrDefault(n.inputs().get(0), n.inputs().get(0));
                    viewOf.put(o, owner);
                    if (outputs.contains(o)) {
                        death.put(owner, nodes.size());
                    }
                } else {
                    birth.put(o, i);
                    death.put(o, outputs.contains(o) ? nodes.size() : i);
                }
            }
        }
        long total = 0;
        int unknown = 0;
        Map<String, Long> sizes = new HashMap<>();
        for (String v : birth.keySet()) {
            long b = bytes(infos.get(v), symbolValue);
            if (b < 0) {
                unknown++;
            } else {
                sizes.put(v, b);
                total += b;
            }
        }
        // Greedy first-fit by birth order over a free list of (offset -> size).
        Map<String, Long> offsets = new HashMap<>();
        TreeMap<Long, Long> live = new TreeMap<>(); // offset -> size, of values alive now
        Map<Long, String> owner = new HashMap<>();
        long arena = 0;
        List<List<String>> freeAt = new ArrayList<>();
        for (int i = 0; i <= nodes.size(); i++) {
            freeAt.add(new ArrayList<>());
        }
        for (int i = 0; i < nodes.size(); i++) {
            for (String o : nodes.get(i).outputs()) {
                Long size = sizes.get(o);
                if (o.isEmpty() || size == null) {
                    continue;
                }
                long aligned = (size + 63) & ~63L;
                long at = 0;
                for (Map.Entry<Long, Long> e : live.entrySet()) {
                    if (e.getKey() - at >= aligned) {
                        break;
                    }
                    at = Math.max(at, e.getKey() + e.getValue());
                }
                live.put(at, aligned);
                owner.put(at, o);
                offsets.put(o, at);
                arena = Math.max(arena, at + aligned);
                freeAt.get(death.get(o)).add(o);
            }
            for (String dead : freeAt.get(i)) {
                live.remove(offsets.get(dead));
            }
        }
        return new Plan(arena, total, sizes.size(), unknown, offsets);
    }

    private static long bytes(ValueInfo vi, long symbolValue) {
        if (vi == null || vi.type() == null || !vi.shape().hasRank() || vi.type().byteSize() == 0) {
            return -1;
        }
        long n = vi.type().byteSize();
        for (var d : vi.shape().dims()) {
            if (d.isKnown()) {
                n *= d.value();
            } else if (d.isSymbolic()) {
                n *= symbolValue;
            } else {
                return -1;
            }
        }
        return n;
    }
}
