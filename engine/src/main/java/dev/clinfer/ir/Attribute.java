package dev.clinfer.ir;

import dev.clinfer.api.Tensor;

import java.util.List;

/**
 * A node attribute. Exactly one of the value fields is meaningful, as told by {@code type}.
 *
 * @param name    attribute name
 * @param type    which field holds the value
 * @param f       FLOAT value
 * @param i       INT value
 * @param s       STRING value
 * @param t       TENSOR value
 * @param g       GRAPH value
 * @param floats  FLOATS value
 * @param ints    INTS value
 * @param strings STRINGS value
 * @param tensors TENSORS value
 * @param graphs  GRAPHS value
 */
public record Attribute(String name, Type type, float f, long i, String s, Tensor t, Graph g,
                        float[] floats, long[] ints, List<String> strings, List<Tensor> tensors,
                        List<Graph> graphs) {
    /** Attribute kinds, as in ONNX {@code AttributeProto.AttributeType}. */
    public enum Type { FLOAT, INT, STRING, TENSOR, GRAPH, FLOATS, INTS, STRINGS, TENSORS, GRAPHS, OTHER }
}
