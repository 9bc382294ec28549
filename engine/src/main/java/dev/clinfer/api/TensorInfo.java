package dev.clinfer.api;

import java.util.Arrays;
import java.util.List;

/**
 * Name, element type and shape of a model input or output. A dim of -1 is not fixed by the
 * model; {@code dimNames} then holds its symbol (such as {@code batch}) or null.
 *
 * @param name     tensor name
 * @param type     element type, or null when the model does not say
 * @param shape    dims, -1 where not fixed; null when even the rank is unknown
 * @param dimNames symbol of each dim, null where the dim is fixed or anonymous
 */
public record TensorInfo(String name, DataType type, long[] shape, List<String> dimNames) {
    /** @return e.g. {@code input: float32 [batch, 3, 224, 224]} */
    @Override
    public String toString() {
        return name + ": " + (type == null ? "?" : type) + " " + shapeString();
    }

    /** @return the shape with symbols, e.g. {@code [batch, 3, 224, 224]} */
    public String shapeString() {
        if (shape == null) {
            return "[unknown rank]";
        }
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            if (shape[i] >= 0) {
                b.append(shape[i]);
            } else {
                String s = dimNames.get(i);
                b.append(s == null ? "?" : s);
            }
        }
        return b.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo && toString().equals(o.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** @return a copy of the dims */
    @Override
    public long[] shape() {
        return shape == null ? null : Arrays.copyOf(shape, shape.length);
    }
}
