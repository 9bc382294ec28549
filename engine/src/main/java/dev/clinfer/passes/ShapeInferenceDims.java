package dev.clinfer.passes;

import dev.clinfer.ir.Dim;
import dev.clinfer.ir.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Arithmetic on possibly symbolic dims, for the shape rules. Unknowable results are unknown, never errors. */
final class ShapeInferenceDims {
    private ShapeInferenceDims() {
    }

    /** @return whether d is the known size v */
    static boolean is(Dim d, long v) {
        return d.isKnown() && d.value() == v;
    }

    /**
     * numpy broadcast of one dim pair: 1 yields to the other, equal symbols unify, a known size
     * other than 1 wins over a symbol (which must then be that size or 1).
     */
    static Dim broadcast(Dim a, Dim b) {
        if (is(a, 1)) {
            return b;
        }
        if (is(b, 1)) {
            return a;
        }
        if (a.equals(b) && (a.isKnown() || a.isSymbolic())) {
            return a;
        }
        if (a.isKnown() && !b.isKnown()) {
            return a;
        }
        if (b.isKnown() && !a.isKnown()) {
            return b;
        }
        return Dim.unknown();
    }

    /** @return the multidirectional broadcast of shapes (unknown rank when any rank is unknown) */
    static Shape broadcast(List<Shape> shapes) {
        int rank = 0;
        for (Shape s : shapes) {
            if (!s.hasRank()) {
                return Shape.unknownRank();
            }
            rank = Math.max(rank, s.rank());
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            out.add(Dim.of(1));
        }
        for (Shape s : shapes) {
            for (int i = 0; i < s.rank(); i++) {
                int o = rank - s.rank() + i;
                out.set(o, broadcast(out.get(o), s.dim(i)));
            }
        }
        return Shape.of(out);
    }

    /** @return a·b where it can be told (known sizes, or a factor of 1 or 0) */
    static Dim mul(Dim a, Dim b) {
        if (a.isKnown() && b.isKnown()) {
            return Dim.of(a.value() * b.value());
        }
        if (is(a, 1)) {
            return b;
        }
        if (is(b, 1)) {
            return a;
        }
        if (is(a, 0) || is(b, 0)) {
            return Dim.of(0);
        }
        return Dim.unknown();
    }

    /** @return a+b where it can be told */
    static Dim add(Dim a, Dim b) {
        if (a.isKnown() && b.isKnown()) {
            return Dim.of(a.value() + b.value());
        }
        if (is(a, 0)) {
            return b;
        }
        if (is(b, 0)) {
            return a;
        }
        return Dim.unknown();
    }

    /** @return the product of dims [from, to) */
    static Dim product(List<Dim> dims, int from, int to) {
        Dim p = Dim.of(1);
        for (int i = from; i < to; i++) {
            p = mul(p, dims.get(i));
        }
        return p;
    }

    /**
     * @param a    an axis, negative from the end
     * @param rank the rank
     * @return the axis in [0, rank), or -1 when out of range
     */
    static int axis(long a, int rank) {
        long x = a < 0 ? a + rank : a;
        return x < 0 || x >= rank ? -1 : (int) x;
    }

    /** @return a shape of the given rank with every dim unknown */
    static Shape unknownDims(int rank) {
        Dim[] d = new Dim[rank];
        Arrays.fill(d, Dim.unknown());
        return Shape.of(Arrays.asList(d));
    }

    /** @return a mutable copy of a shape's dims */
    static List<Dim> dims(Shape s) {
        return new ArrayList<>(s.dims());
    }

    /**
     * An element count split into a known factor and symbols.
     *
     * @param known    product of the known dims
     * @param symbols  the symbolic dims' names (a multiset)
     * @param complete false when an unnamed unknown dim makes the count unknowable
     */
    record Factors(long known, List<String> symbols, boolean complete) {
    }

    /** @param dims the dims @return their product as known factor and symbols */
    static Factors factor(List<Dim> dims) {
        long known = 1;
        List<String> symbols = new ArrayList<>();
        boolean complete = true;
        for (Dim d : dims) {
            if (d.isKnown()) {
                known *= d.value();
            } else if (d.isSymbolic()) {
                symbols.add(d.symbol());
            } else {
                complete = false;
            }
        }
        return new Factors(known, symbols, complete);
    }
}
