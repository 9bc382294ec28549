package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.cpu.ComputePool;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Builds nodes and runs the pool, normalisation and resize kernels in unit tests. */
final class PoolTestSupport {
    private PoolTestSupport() {
    }

    /** A two-thread context so the tests exercise the parallel paths. */
    static final ExecContext CTX = new ExecContext() {
        private final ComputePool pool = new ComputePool(2);

        @Override
        public Tensor allocate(DataType type, long... shape) {
            return Tensor.allocate(type, shape);
        }

        /** Garbage-filled, so a kernel that leaves an element unwritten fails its reference check. */
        @Override
        public Tensor allocateUninitialized(DataType type, long... shape) {
            return GemmTestContext.poisoned(type, shape);
        }

        @Override
        public void parallelFor(int n, long costPerItem, RangeBody body) {
            pool.parallelFor(n, Math.max(costPerItem, 100_000), body);
        }

        @Override
        public int threads() {
            return 2;
        }

        @Override
        public Tensor[] runSubgraph(Graph graph, Map<String, Tensor> inputs) {
            throw new UnsupportedOperationException();
        }
    };

    /** Node builder. */
    static final class NodeBuilder {
        private final String op;
        private final int opset;
        private final Map<String, Attribute> attrs = new LinkedHashMap<>();
        private int inputs = 1;
        private int outputs = 1;

        NodeBuilder(String op, int opset) {
            this.op = op;
            this.opset = opset;
        }

        NodeBuilder i(String name, long v) {
            attrs.put(name, new Attribute(name, Attribute.Type.INT, 0, v, null, null, null, null, null, null, null, null));
            return this;
        }

        NodeBuilder f(String name, float v) {
            attrs.put(name, new Attribute(name, Attribute.Type.FLOAT, v, 0, null, null, null, null, null, null, null, null));
            return this;
        }

        NodeBuilder s(String name, String v) {
            attrs.put(name, new Attribute(name, Attribute.Type.STRING, 0, 0, v, null, null, null, null, null, null, null));
            return this;
        }

        NodeBuilder ints(String name, long... v) {
            attrs.put(name, new Attribute(name, Attribute.Type.INTS, 0, 0, null, null, null, null, v, null, null, null));
            return this;
        }

        NodeBuilder floats(String name, float... v) {
            attrs.put(name, new Attribute(name, Attribute.Type.FLOATS, 0, 0, null, null, null, v, null, null, null, null));
            return this;
        }

        NodeBuilder io(int in, int out) {
            inputs = in;
            outputs = out;
            return this;
        }

        Node build() {
            List<String> ins = new ArrayList<>();
            for (int k = 0; k < inputs; k++) {
                ins.add("in" + k);
            }
            List<String> outs = new ArrayList<>();
            for (int k = 0; k < outputs; k++) {
                outs.add("out" + k);
            }
            return new Node("t", op, "", ins, outs, attrs, opset);
        }

        Tensor[] run(Tensor... in) {
            Node n = io(in.length, outputs).build();
            return OpRegistry.defaultRegistry().find("", op).run(n, in, CTX);
        }
    }

    static NodeBuilder node(String op, int opset) {
        return new NodeBuilder(op, opset);
    }

    static float[] random(long seed, int n) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) (r.nextGaussian());
        }
        return v;
    }

    static void assertClose(double[] expected, Tensor actual, double tol) {
        double[] a = actual.toDoubleArray();
        assertEquals(expected.length, a.length, "element count");
        for (int k = 0; k < a.length; k++) {
            assertEquals(expected[k], a[k], tol * (1 + Math.abs(expected[k])), "element " + k);
        }
    }

    static void assertShape(Tensor t, long... shape) {
        assertArrayEquals(shape, t.shape());
    }
}
