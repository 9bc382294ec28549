package dev.clinfer.passes;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;
import dev.clinfer.ir.ValueInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the fusion passes ask of a graph while they rewrite it: who produces and who reads each
 * value, which values are constants, inferred types and shapes, and fresh names. Rewrites go
 * through {@link #replace}, which keeps the producer/consumer maps in step.
 */
final class FusionGraph {
    private final Graph g;
    private final Map<String, ValueInfo> infos;
    private final Map<String, Node> producer = new HashMap<>();
    private final Map<String, List<Node>> consumers = new HashMap<>();
    private final Set<String> outputs = new HashSet<>();
    private final Set<String> names = new HashSet<>();
    private int counter;

    /**
     * @param g     a sorted graph
     * @param infos inferred value infos (may miss values)
     */
    FusionGraph(Graph g, Map<String, ValueInfo> infos) {
        this.g = g;
        this.infos = infos;
        for (ValueInfo o : g.outputs()) {
            outputs.add(o.name());
        }
        names.addAll(g.initializers().keySet());
        g.inputs().forEach(v -> names.add(v.name()));
        for (Node n : g.nodes()) {
            index(n);
            names.add(n.name());
        }
    }

    private void index(Node n) {
        for (String o : n.outputs()) {
            if (!o.isEmpty()) {
                producer.put(o, n);
                names.add(o);
            }
        }
        for (String r : GraphScopes.reads(n)) {
            consumers.computeIfAbsent(r, k -> new ArrayList<>()).add(n);
        }
    }

    private void unindex(Node n) {
        for (String o : n.outputs()) {
            if (!o.isEmpty() && producer.get(o) == n) {
                producer.remove(o);
            }
        }
        for (String r : GraphScopes.reads(n)) {
            List<Node> l = consumers.get(r);
            if (l != null) {
                l.remove(n);
            }
        }
    }

    /** @return the graph */
    Graph graph() {
        return g;
    }

    /** @param value a value @return the node producing it, or null (input, initializer, unknown) */
    Node producer(String value) {
        return producer.get(value);
    }

    /** @param value a value @return the nodes reading it (explicitly or from a subgraph) */
    List<Node> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    /**
     * @param value a value
     * @return true when exactly one node reads it and it is not a graph output: a fusion may then
     *         make it disappear
     */
    boolean singleUse(String value) {
        return consumers(value).size() == 1 && !outputs.contains(value);
    }

    /** @param value a value @return true when only nodes of {@code allowed} read it and it is not a graph output */
    boolean usedOnlyBy(String value, Set<Node> allowed) {
        if (outputs.contains(value)) {
            return false;
        }
        for (Node c : consumers(value)) {
            if (!allowed.contains(c)) {
                return false;
            }
        }
        return true;
    }

    /** @param value a value name @return the constant, or null */
    Tensor constant(String value) {
        return value == null || value.isEmpty() ? null : g.initializers().get(value);
    }

    /** @param value a value @return the single element of a float-valued constant, or NaN when it is not one */
    double scalar(String value) {
        Tensor t = constant(value);
        if (t == null || t.size() != 1 || !t.dataType().isFloatingPoint()) {
            return Double.NaN;
        }
        return t.getDouble(0);
    }

    /** @param value a value @return the inferred element type, or null */
    DataType type(String value) {
        Tensor c = constant(value);
        if (c != null) {
            return c.dataType();
        }
        ValueInfo vi = infos.get(value);
        return vi == null ? null : vi.type();
    }

    /** @param value a value @return the inferred shape (unknown rank when not known) */
    Shape shape(String value) {
        Tensor c = constant(value);
        if (c != null) {
            return Shape.of(c.shape());
        }
        ValueInfo vi = infos.get(value);
        return vi == null || vi.shape() == null ? Shape.unknownRank() : vi.shape();
    }

    /** @param value a value @return true when its type is known to be float32 */
    boolean isFloat(String value) {
        return type(value) == DataType.FLOAT;
    }

    /** @param n a node @param k input index @return the input name, "" when absent */
    static String in(Node n, int k) {
        return k < n.inputs().size() ? n.inputs().get(k) : "";
    }

    /**
     * @param base a readable stem
     * @return a value or node name unused so far in this graph
     */
    String fresh(String base) {
        String s;
        do {
            s = base + "__clinfer" + counter++;
        } while (names.contains(s));
        names.add(s);
        return s;
    }

    /**
     * Adds a constant under a fresh name.
     *
     * @param base name stem
     * @param t    the tensor
     * @return its name
     */
    String addConstant(String base, Tensor t) {
        String name = fresh(base);
        g.initializers().put(name, t);
        return name;
    }

    /**
     * Replaces a group of nodes by one node placed where the last of the group stood (every
     * input of the group is computed before that point, as the graph is sorted). Values only
     * the group read disappear with it; the caller has checked that nothing else reads them.
     *
     * @param group the nodes to remove (any order)
     * @param fused the replacement
     */
    void replace(Iterable<Node> group, Node fused) {
        Set<Node> set = new HashSet<>();
        group.forEach(set::add);
        List<Node> nodes = g.nodes();
        int last = -1;
        for (int i = 0; i < nodes.size(); i++) {
            if (set.contains(nodes.get(i))) {
                last = i;
            }
        }
        if (last < 0) {
            throw new IllegalStateException("fusion group is not in the graph");
        }
        List<Node> out = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (i == last) {
                out.add(fused);
            } else if (!set.contains(n)) {
                out.add(n);
            }
        }
        for (Node n : set) {
            unindex(n);
        }
        nodes.clear();
        nodes.addAll(out);
        index(fused);
        names.add(fused.name());
    }

    /** @return a node copy with other inputs, op and attributes */
    static Node node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                     Map<String, Attribute> attrs, int opset) {
        return new Node(name, opType, domain, inputs, outputs, attrs, opset);
    }

    // Attribute builders.

    static Attribute intAttr(String name, long v) {
        return new Attribute(name, Attribute.Type.INT, 0f, v, null, null, null, null, null, null, null, null);
    }

    static Attribute floatAttr(String name, float v) {
        return new Attribute(name, Attribute.Type.FLOAT, v, 0, null, null, null, null, null, null, null, null);
    }

    static Attribute stringAttr(String name, String v) {
        return new Attribute(name, Attribute.Type.STRING, 0f, 0, v, null, null, null, null, null, null, null);
    }

    static Attribute intsAttr(String name, long[] v) {
        return new Attribute(name, Attribute.Type.INTS, 0f, 0, null, null, null, null, v, null, null, null);
    }

    static Attribute floatsAttr(String name, float[] v) {
        return new Attribute(name, Attribute.Type.FLOATS, 0f, 0, null, null, null, v, null, null, null, null);
    }

    static Attribute stringsAttr(String name, List<String> v) {
        return new Attribute(name, Attribute.Type.STRINGS, 0f, 0, null, null, null, null, null, List.copyOf(v), null,
                null);
    }
}
