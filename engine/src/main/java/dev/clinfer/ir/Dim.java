package dev.clinfer.ir;

import java.util.Objects;

/**
 * One dimension of a {@link Shape}: a known size, a named symbol such as {@code batch} that is
 * fixed only at run time, or unknown.
 */
public final class Dim {
    private static final Dim UNKNOWN = new Dim(-1, null);

    private final long value;
    private final String symbol;

    private Dim(long value, String symbol) {
        this.value = value;
        this.symbol = symbol;
    }

    /** @param v a size, at least 0 @return a known dim */
    public static Dim of(long v) {
        return new Dim(v, null);
    }

    /** @param name the symbol @return a symbolic dim */
    public static Dim symbol(String name) {
        return new Dim(-1, name);
    }

    /** @return the unknown, unnamed dim */
    public static Dim unknown() {
        return UNKNOWN;
    }

    /** @return true when the size is known */
    public boolean isKnown() {
        return value >= 0;
    }

    /** @return true when this dim is a named symbol */
    public boolean isSymbolic() {
        return symbol != null;
    }

    /** @return the size; only meaningful when {@link #isKnown()} */
    public long value() {
        return value;
    }

    /** @return the symbol's name, or null */
    public String symbol() {
        return symbol;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Dim)) {
            return false;
        }
        Dim d = (Dim) o;
        return value == d.value && Objects.equals(symbol, d.symbol);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value) * 31 + Objects.hashCode(symbol);
    }

    @Override
    public String toString() {
        return isKnown() ? Long.toString(value) : symbol != null ? symbol : "?";
    }
}
