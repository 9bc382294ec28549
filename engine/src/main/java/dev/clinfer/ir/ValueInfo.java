package dev.clinfer.ir;

import dev.clinfer.api.DataType;

/**
 * Name, element type and shape of a graph value. The type may be null when unknown (it is null
 * for non-tensor kinds), and {@code kind} says whether the value is a plain tensor or a
 * sequence/optional/map: sequences and optionals run as {@code Tensor.sequence}/{@code
 * Tensor.optional} values; maps are reported but not run.
 *
 * @param name  the value's name
 * @param type  element type, or null
 * @param shape the shape, possibly symbolic or of unknown rank
 * @param kind  "tensor", "sequence", "optional", "map" or "sparse_tensor"
 */
public record ValueInfo(String name, DataType type, Shape shape, String kind) {
    /**
     * @param name  value name
     * @param type  element type
     * @param shape shape
     * @return a tensor-kind value info
     */
    public static ValueInfo tensor(String name, DataType type, Shape shape) {
        return new ValueInfo(name, type, shape, "tensor");
    }

    @Override
    public String toString() {
        return name + ": " + (type == null ? "?" : type) + " " + shape;
    }
}
