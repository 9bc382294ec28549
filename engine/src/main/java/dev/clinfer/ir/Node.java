package dev.clinfer.ir;

import dev.clinfer.api.Tensor;
import dev.clinfer.api.UnsupportedOperatorException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One operator application in a {@link Graph}. An empty input name marks an omitted optional
 * input. {@code opset} is the version of the node's domain that the model imports, which
 * decides the operator's semantics.
 */
public final class Node {
    private final String name;
    private final String opType;
    private final String domain;
    private final List<String> inputs;
    private final List<String> outputs;
    private final Map<String, Attribute> attributes;
    private final int opset;

    /**
     * @param name       node name (may be empty in the file; the importer makes one up)
     * @param opType     operator, e.g. {@code Conv}
     * @param domain     operator set domain, "" for the default {@code ai.onnx}
     * @param inputs     input value names
     * @param outputs    output value names
     * @param attributes attributes by name
     * @param opset      imported version of {@code domain}
     */
    public Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                Map<String, Attribute> attributes, int opset) {
        this.name = name;
        this.opType = opType;
        this.domain = domain;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        this.opset = opset;
    }

    /** @return node name */
    public String name() {
        return name;
    }

    /** @return operator type */
    public String opType() {
        return opType;
    }

    /** @return operator domain, "" for ai.onnx */
    public String domain() {
        return domain;
    }

    /** @return input names ("" for omitted optional inputs) */
    public List<String> inputs() {
        return inputs;
    }

    /** @return output names ("" for unused optional outputs) */
    public List<String> outputs() {
        return outputs;
    }

    /** @return attributes by name */
    public Map<String, Attribute> attributes() {
        return attributes;
    }

    /** @return the imported opset version of this node's domain */
    public int opset() {
        return opset;
    }

    /** @param n attribute name @return whether it is present */
    public boolean hasAttr(String n) {
        return attributes.containsKey(n);
    }

    /** @param n name @param def default @return INT attribute */
    public long attrInt(String n, long def) {
        Attribute a = attributes.get(n);
        return a == null ? def : a.i();
    }

    /** @param n name @param def default @return FLOAT attribute */
    public float attrFloat(String n, float def) {
        Attribute a = attributes.get(n);
        return a == null ? def : a.f();
    }

    /** @param n name @param def default @return STRING attribute */
    public String attrString(String n, String def) {
        Attribute a = attributes.get(n);
        return a == null ? def : a.s();
    }

    /** @param n name @param def default (may be null) @return INTS attribute */
    public long[] attrInts(String n, long[] def) {
        Attribute a = attributes.get(n);
        return a == null ? def : a.ints().clone();
    }

    /** @param n name @param def default (may be null) @return FLOATS attribute */
    public float[] attrFloats(String n, float[] def) {
        Attribute a = attributes.get(n);
        return a == null ? def : a.floats().clone();
    }

    /** @param n name @return STRINGS attribute, or null */
    public List<String> attrStrings(String n) {
        Attribute a = attributes.get(n);
        return a == null ? null : a.strings();
    }

    /** @param n name @return TENSOR attribute, or null */
    public Tensor attrTensor(String n) {
        Attribute a = attributes.get(n);
        return a == null ? null : a.t();
    }

    /**
     * @param n name
     * @return GRAPH attribute
     * @throws UnsupportedOperatorException when the attribute is missing
     */
    public Graph attrGraph(String n) {
        Attribute a = attributes.get(n);
        if (a == null || a.g() == null) {
            throw new UnsupportedOperatorException(this + ": missing graph attribute '" + n + "'");
        }
        return a.g();
    }

    /**
     * @param newInputs  replacement inputs
     * @param newOutputs replacement outputs
     * @return a copy with other wiring
     */
    public Node withIo(List<String> newInputs, List<String> newOutputs) {
        return new Node(name, opType, domain, newInputs, newOutputs, attributes, opset);
    }

    /** @return e.g. {@code node 'conv1' (Conv, opset 13)} */
    @Override
    public String toString() {
        return "node '" + name + "' (" + (domain.isEmpty() ? "" : domain + ".") + opType + ", opset " + opset + ")";
    }
}
