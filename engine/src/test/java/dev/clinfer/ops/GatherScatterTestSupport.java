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
import java.util.stream.IntStream;

/** Test helpers for the gather/scatter, reduce and einsum kernels: a context and node builder. */
final class GatherScatterTestSupport {
    private GatherScatterTestSupport() {
    }

    /** A context that allocates plainly and runs parallelFor in real parallel chunks. */
    static final ExecContext CTX = new ExecContext() {
        @Override
        public Tensor allocate(DataType type, long... shape) {
            return Tensor.allocate(type, shape);
        }

        @Override
        public void parallelFor(int n, long costPerItem, RangeBody body) {
            int chunks = Math.min(n, 4);
            if (chunks <= 1) {
                body.run(0, Math.max(n, 0));
                return;
            }
            IntStream.range(0, chunks).parallel()
                    .forEach(c -> body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks)));
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

    /**
     * @param op    op type
     * @param opset opset
     * @param attrs name, value pairs (Long, Float, String or long[])
     * @return a node with as many inputs as a test passes
     */
    static Node node(String op, int opset, Object... attrs) {
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
            } else {
                a = new Attribute(name, Attribute.Type.INTS, 0, 0, null, null, null, null, (long[]) v, null, null,
                        null);
            }
            m.put(name, a);
        }
        List<String> ins = new ArrayList<>(List.of("a", "b", "c"));
        return new Node("test", op, "", ins, List.of("y", "z"), m, opset);
    }

    /** Runs a registered op of the default registry. */
    static Tensor[] run(Node node, Tensor... inputs) {
        return OpRegistry.defaultRegistry().find("", node.opType()).run(node, inputs, CTX);
    }
}
