package dev.clinfer.opencl.ops;

import dev.clinfer.conformance.Tolerance;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Node and attribute builders shared by the Gemm, Conv and Pool launcher tests. */
final class GemmTestNodes {
    /** float32 comparison tolerance of the launcher tests. */
    static final Tolerance TOL = new Tolerance(1e-4, 1e-5);
    /** For long sums of unit-normal products (hundreds of terms): float rounding then exceeds 1e-5 near 0. */
    static final Tolerance LONG_TOL = new Tolerance(1e-4, 5e-4);

    private GemmTestNodes() {
    }

    static Attribute i(String name, long v) {
        return new Attribute(name, Attribute.Type.INT, 0, v, null, null, null, null, null, null, null, null);
    }

    static Attribute f(String name, float v) {
        return new Attribute(name, Attribute.Type.FLOAT, v, 0, null, null, null, null, null, null, null, null);
    }

    static Attribute s(String name, String v) {
        return new Attribute(name, Attribute.Type.STRING, 0, 0, v, null, null, null, null, null, null, null);
    }

    static Attribute ints(String name, long... v) {
        return new Attribute(name, Attribute.Type.INTS, 0, 0, null, null, null, null, v, null, null, null);
    }

    /**
     * @param op      op type
     * @param opset   opset
     * @param inputs  number of inputs (an entry of {@code omitted} is named "")
     * @param outputs number of outputs
     * @param attrs   attributes
     * @return the node
     */
    static Node node(String op, int opset, int inputs, int outputs, Attribute... attrs) {
        Map<String, Attribute> m = new LinkedHashMap<>();
        for (Attribute a : attrs) {
            m.put(a.name(), a);
        }
        List<String> in = new ArrayList<>();
        for (int k = 0; k < inputs; k++) {
            in.add("in" + k);
        }
        List<String> out = new ArrayList<>();
        for (int k = 0; k < outputs; k++) {
            out.add("out" + k);
        }
        return new Node(op.toLowerCase() + "0", op, "", in, out, m, opset);
    }
}
