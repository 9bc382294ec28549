package dev.clinfer.ir;

import dev.clinfer.api.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A computation graph: nodes, graph inputs and outputs, initializers (constant tensors) and
 * known value infos. Subgraphs (If/Loop bodies) are graphs too; they may read values of the
 * enclosing graphs by name. Graphs are mutable while passes run and read-only afterwards.
 */
public final class Graph {
    private final String name;
    private final List<Node> nodes;
    private final List<ValueInfo> inputs;
    private final List<ValueInfo> outputs;
    private final Map<String, Tensor> initializers;
    private final Map<String, ValueInfo> valueInfos;

    /**
     * @param name         graph name
     * @param nodes        nodes (any order; passes sort them)
     * @param inputs       graph inputs that are not initializers
     * @param outputs      graph outputs
     * @param initializers constant tensors by name
     * @param valueInfos   known types and shapes of intermediate values
     */
    public Graph(String name, List<Node> nodes, List<ValueInfo> inputs, List<ValueInfo> outputs,
                 Map<String, Tensor> initializers, Map<String, ValueInfo> valueInfos) {
        this.name = name;
        this.nodes = new ArrayList<>(nodes);
        this.inputs = new ArrayList<>(inputs);
        this.outputs = new ArrayList<>(outputs);
        this.initializers = new LinkedHashMap<>(initializers);
        this.valueInfos = new LinkedHashMap<>(valueInfos);
    }

    /** @return graph name */
    public String name() {
        return name;
    }

    /** @return the nodes (mutable while passes run) */
    public List<Node> nodes() {
        return nodes;
    }

    /** @return the inputs a caller supplies */
    public List<ValueInfo> inputs() {
        return inputs;
    }

    /** @return the outputs */
    public List<ValueInfo> outputs() {
        return outputs;
    }

    /** @return constant tensors by name (mutable while passes run) */
    public Map<String, Tensor> initializers() {
        return initializers;
    }

    /** @return known value infos by name, inputs and outputs included (mutable while passes run) */
    public Map<String, ValueInfo> valueInfos() {
        return valueInfos;
    }

    /**
     * Weights of the graph: elements of every initializer and of every {@code Constant} node's
     * tensor (some exporters, paddle2onnx among them, keep all weights in Constant nodes).
     *
     * @return total elements
     */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : initializers.values()) {
            n += t.size();
        }
        for (Node node : nodes) {
            if (node.opType().equals("Constant") && node.attrTensor("value") != null) {
                n += node.attrTensor("value").size();
            }
        }
        return n;
    }
}
