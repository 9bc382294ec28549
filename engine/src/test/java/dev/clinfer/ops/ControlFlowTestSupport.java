package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builders for hand-made nodes and a single-threaded context, shared by the RNN and control-flow tests. */
final class ControlFlowTestSupport {
    private ControlFlowTestSupport() {
    }

    /** Allocates plainly and runs loops inline; no subgraphs. */
    static final ExecContext CTX = new ExecContext() {
        @Override
        public Tensor allocate(DataType type, long... shape) {
            return Tensor.allocate(type, shape);
        }

        @Override
        public void parallelFor(int n, long costPerItem, RangeBody body) {
            // Two uneven chunks, so that chunk boundaries are exercised too.
            int mid = n / 3;
            body.run(0, mid);
            body.run(mid, n);
        }

        @Override
        public int threads() {
            return 1;
        }

        @Override
        public Tensor[] runSubgraph(Graph graph, Map<String, Tensor> inputs) {
            throw new UnsupportedOperationException();
        }
    };

    static Attribute ints(String n, long... v) {
        return new Attribute(n, Attribute.Type.INTS, 0, 0, null, null, null, null, v, null, null, null);
    }

    static Attribute i(String n, long v) {
        return new Attribute(n, Attribute.Type.INT, 0, v, null, null, null, null, null, null, null, null);
    }

    static Attribute f(String n, float v) {
        return new Attribute(n, Attribute.Type.FLOAT, v, 0, null, null, null, null, null, null, null, null);
    }

    static Attribute floats(String n, float... v) {
        return new Attribute(n, Attribute.Type.FLOATS, 0, 0, null, null, null, v, null, null, null, null);
    }

    static Attribute s(String n, String v) {
        return new Attribute(n, Attribute.Type.STRING, 0, 0, v, null, null, null, null, null, null, null);
    }

    static Attribute strings(String n, String... v) {
        return new Attribute(n, Attribute.Type.STRINGS, 0, 0, null, null, null, null, null, List.of(v), null, null);
    }

    static Attribute graph(String n, Graph g) {
        return new Attribute(n, Attribute.Type.GRAPH, 0, 0, null, null, g, null, null, null, null, null);
    }

    static Node node(String op, int opset, List<String> in, List<String> out, Attribute... attrs) {
        Map<String, Attribute> m = new HashMap<>();
        for (Attribute a : attrs) {
            m.put(a.name(), a);
        }
        return new Node(op.toLowerCase() + "0", op, "", in, out, m, opset);
    }
}
