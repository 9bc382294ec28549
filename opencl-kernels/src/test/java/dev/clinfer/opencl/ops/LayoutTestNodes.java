package dev.clinfer.opencl.ops;

import dev.clinfer.api.Tensor;
import dev.clinfer.conformance.Tolerance;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds test nodes for the elementwise, layout and norm launcher tests. */
final class LayoutTestNodes {
    /** float32 tolerance of the launcher tests. */
    static final Tolerance TOL = new Tolerance(1e-4, 1e-5);

    private LayoutTestNodes() {
    }

    /**
     * @param op      op type
     * @param opset   opset
     * @param inputs  the inputs the test passes (null = omitted: the name is empty)
     * @param outputs number of outputs
     * @param attrs   name, value pairs (Long/Integer, Float, String, long[], float[])
     * @return the node
     */
    static Node node(String op, int opset, Tensor[] inputs, int outputs, Object... attrs) {
        Map<String, Attribute> m = new LinkedHashMap<>();
        for (int i = 0; i < attrs.length; i += 2) {
            String name = (String) attrs[i];
            Object v = attrs[i + 1];
            Attribute a;
            if (v instanceof Long || v instanceof Integer) {
                a = new Attribute(name, Attribute.Type.INT, 0, ((Number) v).longValue(), null, null, null, null, null,
                        null, null, null);
            } else if (v instanceof Float) {
                a = new Attribute(name, Attribute.Type.FLOAT, (Float) v, 0, null, null, null, null, null, null, null,
                        null);
            } else if (v instanceof String) {
                a = new Attribute(name, Attribute.Type.STRING, 0, 0, (String) v, null, null, null, null, null, null,
                        null);
            } else if (v instanceof float[]) {
                a = new Attribute(name, Attribute.Type.FLOATS, 0, 0, null, null, null, (float[]) v, null, null, null,
                        null);
            } else {
                a = new Attribute(name, Attribute.Type.INTS, 0, 0, null, null, null, null, (long[]) v, null, null,
                        null);
            }
            m.put(name, a);
        }
        List<String> ins = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            ins.add(inputs[i] == null ? "" : "i" + i);
        }
        List<String> outs = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            outs.add("o" + i);
        }
        return new Node("t_" + op, op, "", ins, outs, m, opset);
    }

    /** @param v values @return an int64 vector */
    static Tensor longs(long... v) {
        return Tensor.ofLongs(v, v.length);
    }

    /** @param v value @return a rank-0 float */
    static Tensor scalar(float v) {
        return Tensor.scalar(v);
    }
}
