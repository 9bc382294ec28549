package dev.clinfer.ops;

/** A loop body over the half-open index range {@code [start, end)}. */
@FunctionalInterface
public interface RangeBody {
    /**
     * @param start first index
     * @param end   one past the last index
     */
    void run(int start, int end);
}
