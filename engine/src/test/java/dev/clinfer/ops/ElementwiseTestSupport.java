package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helpers for the elementwise, activation and misc families: a context and node builders. */
final class ElementwiseTestSupport {
    private ElementwiseTestSupport() {
    }

    /**
     * A context that splits every parallel loop into small uneven chunks (on the calling
     * thread), so kernels are exercised on ranges that start and end mid-row.
     */
    static final ExecContext CTX = new ExecContext() {
        @Override
        public Tensor allocate(DataType type, long... shape) {
            return Tensor.allocate(type, shape);
        }

        @Override
        public void parallelFor(int n, long costPerItem, RangeBody body) {
            for (int s = 0; s < n; s += 5) {
                body.run(s, Math.min(n, s + 5));
            }
        }

        @Override
        public int threads() {
            return 4;
        }

        @Override
        public Tensor[] runSubgraph(Graph graph, Map<String, Tensor> inputs) {
            throw new UnsupportedOperationException();
        }
    };

    static Attribute intAttr(String name, long v) {
        return new Attribute(name, Attribute.Type.INT, 0, v, null, null, null, null, null, null, null, null);
    }

    static Attribute floatAttr(String name, float v) {
        return new Attribute(name, Attribute.Type.FLOAT, v, 0, null, null, null, null, null, null, null, null);
    }

    static Attribute stringAttr(String name, String v) {
        return new Attribute(name, Attribute.Type.STRING, 0, 0, v, null, null, null, null, null, null, null);
    }

    /** Runs op {@code type} at {@code opset} with the given attributes on {@code inputs}. */
    static Tensor[] run(String type, int opset, int outputs, List<Attribute> attrs, Tensor... inputs) {
        Map<String, Attribute> m = new LinkedHashMap<>();
        for (Attribute a : attrs) {
            m.put(a.name(), a);
        }
        List<String> in = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            in.add(inputs[i] == null ? "" : "in" + i);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            out.add("out" + i);
        }
        Node node = new Node("n", type, "", in, out, m, opset);
        Operator op = OpRegistry.defaultRegistry().find("", type);
        if (op == null) {
            throw new AssertionError("no kernel for " + type);
        }
        return op.run(node, inputs, CTX);
    }

    static Tensor run1(String type, int opset, List<Attribute> attrs, Tensor... inputs) {
        return run(type, opset, 1, attrs, inputs)[0];
    }

    static Tensor run1(String type, Tensor... inputs) {
        return run1(type, 17, List.of(), inputs);
    }
}
