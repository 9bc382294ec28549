package dev.clinfer.passes;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Dim;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;
import dev.clinfer.ir.ValueInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What shape rules read and write while {@link ShapeInference} walks a graph: the inferred
 * infos so far, the constant tensors (initializers and Constant nodes), and "dim values" —
 * small int tensors whose elements are known as {@link Dim}s, possibly symbolic (the output of
 * {@code Shape(x)} and what Gather/Concat/Slice make of it), so that a Reshape fed by a
 * computed shape keeps {@code batch} symbolic.
 */
final class ShapeInferenceContext {
    /** Int tensors longer than this are not tracked as dim values. */
    private static final int MAX_DIM_VALUES = 64;

    private final Map<String, ValueInfo> infos = new LinkedHashMap<>();
    private final Map<String, Tensor> consts = new HashMap<>();
    private final Map<String, List<Dim>> dimValues = new HashMap<>();

    /** @return inferred infos so far, by value name */
    Map<String, ValueInfo> infos() {
        return infos;
    }

    /** Records a value's info (a graph input or initializer). */
    void put(ValueInfo vi) {
        infos.put(vi.name(), vi);
    }

    /** Records a constant tensor and its info. */
    void putConstant(String name, Tensor t) {
        consts.put(name, t);
        infos.put(name, ValueInfo.tensor(name, t.dataType(), Shape.of(t.shape())));
    }

    /** @param n node @param k input index @return the input's name, "" when absent */
    static String in(Node n, int k) {
        return k < n.inputs().size() ? n.inputs().get(k) : "";
    }

    /** @return whether input k of n is present */
    boolean has(Node n, int k) {
        return !in(n, k).isEmpty();
    }

    /** @return input k's element type, or null */
    DataType type(Node n, int k) {
        ValueInfo vi = infos.get(in(n, k));
        return vi == null ? null : vi.type();
    }

    /** @return input k's shape, unknown rank when not known */
    Shape shape(Node n, int k) {
        ValueInfo vi = infos.get(in(n, k));
        return vi == null || vi.shape() == null ? Shape.unknownRank() : vi.shape();
    }

    /** @return input k's constant value, or null */
    Tensor constant(Node n, int k) {
        return consts.get(in(n, k));
    }

    /** @return input k's elements as longs when it is a constant, else null */
    long[] constLongs(Node n, int k) {
        Tensor t = constant(n, k);
        return t == null || t.dataType() == DataType.STRING ? null : t.toLongArray();
    }

    /** @return input k's elements as doubles when it is a constant, else null */
    double[] constDoubles(Node n, int k) {
        Tensor t = constant(n, k);
        return t == null || t.dataType() == DataType.STRING ? null : t.toDoubleArray();
    }

    /**
     * @param n node
     * @param k input index
     * @return input k's elements as dims, when it is a small int constant or a tracked dim value
     */
    List<Dim> dimValues(Node n, int k) {
        String name = in(n, k);
        List<Dim> d = dimValues.get(name);
        if (d != null) {
            return d;
        }
        Tensor t = consts.get(name);
        if (t == null || t.rank() > 1 || t.size() > MAX_DIM_VALUES || !(t.dataType().isInteger())) {
            return null;
        }
        List<Dim> l = new ArrayList<>();
        for (long v : t.toLongArray()) {
            l.add(v >= 0 ? Dim.of(v) : marker(v));
        }
        return l;
    }

    /**
     * @param v a negative constant (the -1 of a Reshape target)
     * @return a marker dim standing for it: a symbol named "-N", which no real shape uses
     */
    static Dim marker(long v) {
        return Dim.symbol(Long.toString(v));
    }

    /** @param d a dim value @return it as a shape dim: markers of negative constants become unknown */
    static Dim asShapeDim(Dim d) {
        return negative(d) != 0 ? Dim.unknown() : d;
    }

    /** @param d a dim from {@link #dimValues} @return the negative constant it stands for, or 0 */
    static long negative(Dim d) {
        if (d.isSymbolic() && d.symbol().startsWith("-")) {
            try {
                return Long.parseLong(d.symbol());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /**
     * Sets output k of n.
     *
     * @param n     node
     * @param k     output index
     * @param type  element type (null when unknown)
     * @param shape shape (null = unknown rank)
     */
    void set(Node n, int k, DataType type, Shape shape) {
        if (k >= n.outputs().size() || n.outputs().get(k).isEmpty()) {
            return;
        }
        String name = n.outputs().get(k);
        infos.put(name, ValueInfo.tensor(name, type, shape == null ? Shape.unknownRank() : shape));
    }

    /**
     * Sets output k of n to a 1-D (or 0-D when {@code scalar}) int tensor whose elements are known
     * dims.
     */
    void setDimValues(Node n, int k, DataType type, List<Dim> values, boolean scalar) {
        set(n, k, type, scalar ? Shape.of() : Shape.of(values.size()));
        if (k < n.outputs().size() && values.size() <= MAX_DIM_VALUES) {
            dimValues.put(n.outputs().get(k), List.copyOf(values));
        }
    }

    /** Sets output k of n to a constant (a Constant node, or a rule that computed it). */
    void setConstant(Node n, int k, Tensor t) {
        if (k < n.outputs().size() && !n.outputs().get(k).isEmpty()) {
            putConstant(n.outputs().get(k), t);
        }
    }
}
