package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.cpu.ComputePool;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;

import java.util.List;
import java.util.Map;

/** A minimal {@link ExecContext} over a {@link ComputePool} for kernel tests and benchmarks. */
final class GemmTestContext implements ExecContext, AutoCloseable {
    private final ComputePool pool;

    GemmTestContext(int threads) {
        pool = new ComputePool(threads);
    }

    @Override
    public Tensor allocate(DataType type, long... shape) {
        return Tensor.allocate(type, shape);
    }

    /** Garbage-filled, so a kernel that leaves an element unwritten fails its reference check. */
    @Override
    public Tensor allocateUninitialized(DataType type, long... shape) {
        return poisoned(type, shape);
    }

    /**
     * @param type  element type
     * @param shape dims
     * @return a tensor whose bytes are all 0xFF (NaN for float types, -1 for signed integers), as a
     *         recycled buffer handed out by {@link ExecContext#allocateUninitialized} may hold
     */
    static Tensor poisoned(DataType type, long... shape) {
        Tensor t = Tensor.allocate(type, shape);
        if (type != DataType.STRING) {
            java.nio.ByteBuffer b = t.buffer();
            for (int i = 0; i < t.byteSize(); i++) {
                b.put(i, (byte) -1);
            }
        }
        return t;
    }

    @Override
    public void parallelFor(int n, long costPerItem, RangeBody body) {
        pool.parallelFor(n, costPerItem, body);
    }

    @Override
    public int threads() {
        return pool.threads();
    }

    @Override
    public Tensor[] runSubgraph(Graph graph, Map<String, Tensor> inputs) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
        pool.close();
    }

    static Attribute ints(String name, long... v) {
        return new Attribute(name, Attribute.Type.INTS, 0f, 0L, null, null, null, null, v, null, null, null);
    }

    static Attribute integer(String name, long v) {
        return new Attribute(name, Attribute.Type.INT, 0f, v, null, null, null, null, null, null, null, null);
    }

    static Attribute real(String name, float v) {
        return new Attribute(name, Attribute.Type.FLOAT, v, 0L, null, null, null, null, null, null, null, null);
    }

    static Attribute string(String name, String v) {
        return new Attribute(name, Attribute.Type.STRING, 0f, 0L, v, null, null, null, null, null, null, null);
    }

    /** @return a node with the given attributes (opset 17) */
    static Node node(String op, Attribute... attrs) {
        Map<String, Attribute> m = new java.util.LinkedHashMap<>();
        for (Attribute a : attrs) {
            m.put(a.name(), a);
        }
        return node(op, 17, m);
    }

    /** Asserts elementwise closeness to a float64 reference. */
    static void assertClose(double[] expected, float[] actual, double tol) {
        org.junit.jupiter.api.Assertions.assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            if (Math.abs(e - actual[i]) > tol * (1 + Math.abs(e))) {
                org.junit.jupiter.api.Assertions.fail("element " + i + ": expected " + e + " got " + actual[i]);
            }
        }
    }

    static float[] random(java.util.Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    /** @return a node of the default domain with the given attributes */
    static Node node(String op, int opset, Map<String, Attribute> attrs) {
        return new Node("t", op, "", List.of(), List.of("y"), attrs, opset);
    }
}
