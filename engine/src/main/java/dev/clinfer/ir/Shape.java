package dev.clinfer.ir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** A tensor shape whose dims may be symbolic; a null-rank shape means "rank unknown". */
public final class Shape {
    private static final Shape UNKNOWN_RANK = new Shape(null);

    private final List<Dim> dims;

    private Shape(List<Dim> dims) {
        this.dims = dims == null ? null : Collections.unmodifiableList(new ArrayList<>(dims));
    }

    /** @param dims the dims @return a shape of known rank */
    public static Shape of(List<Dim> dims) {
        return new Shape(dims);
    }

    /** @param dims known sizes @return a fully static shape */
    public static Shape of(long... dims) {
        List<Dim> l = new ArrayList<>(dims.length);
        for (long d : dims) {
            l.add(Dim.of(d));
        }
        return new Shape(l);
    }

    /** @return a shape of unknown rank */
    public static Shape unknownRank() {
        return UNKNOWN_RANK;
    }

    /** @return true when the rank is known */
    public boolean hasRank() {
        return dims != null;
    }

    /** @return the rank; only valid when {@link #hasRank()} */
    public int rank() {
        return dims.size();
    }

    /** @return the dims; only valid when {@link #hasRank()} */
    public List<Dim> dims() {
        return dims;
    }

    /** @param i index, negative from the end @return that dim */
    public Dim dim(int i) {
        return dims.get(i < 0 ? i + dims.size() : i);
    }

    /** @return true when every dim is a known size */
    public boolean isStatic() {
        if (dims == null) {
            return false;
        }
        for (Dim d : dims) {
            if (!d.isKnown()) {
                return false;
            }
        }
        return true;
    }

    /** @return the sizes; only valid when {@link #isStatic()} */
    public long[] toArray() {
        long[] a = new long[dims.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = dims.get(i).value();
        }
        return a;
    }

    /**
     * Substitutes symbols with sizes.
     *
     * @param bindings symbol to size
     * @return a shape with the bound symbols replaced
     */
    public Shape bind(Map<String, Long> bindings) {
        if (dims == null) {
            return this;
        }
        List<Dim> l = new ArrayList<>(dims.size());
        for (Dim d : dims) {
            Long v = d.isSymbolic() ? bindings.get(d.symbol()) : null;
            l.add(v != null ? Dim.of(v) : d);
        }
        return new Shape(l);
    }

    /**
     * Whether a concrete shape fits this (possibly symbolic) shape.
     *
     * @param actual concrete dims
     * @return true when ranks agree and every known dim matches
     */
    public boolean accepts(long[] actual) {
        if (dims == null) {
            return true;
        }
        if (actual.length != dims.size()) {
            return false;
        }
        for (int i = 0; i < actual.length; i++) {
            Dim d = dims.get(i);
            if (d.isKnown() && d.value() != actual[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape && java.util.Objects.equals(dims, ((Shape) o).dims);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hashCode(dims);
    }

    @Override
    public String toString() {
        return dims == null ? "[?..]" : Arrays.toString(dims.toArray());
    }
}
