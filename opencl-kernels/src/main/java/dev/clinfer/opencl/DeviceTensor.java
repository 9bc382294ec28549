package dev.clinfer.opencl;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;

import java.util.Arrays;

/**
 * A tensor living in a device buffer. Views made by {@link #reshape} share the buffer; the
 * owner (the request's memory) frees it when no live value views it any more.
 *
 * @param buffer the device buffer (may be larger than needed: pooled size classes)
 * @param type   element type
 * @param shape  dims
 */
public record DeviceTensor(ClBuffer buffer, DataType type, long[] shape) {
    /** @return element count */
    public long size() {
        return Tensor.elementCount(shape);
    }

    /** @return element count as int */
    public int numel() {
        return (int) size();
    }

    /** @return bytes of the elements */
    public long bytes() {
        return size() * type.byteSize();
    }

    /** @return rank */
    public int rank() {
        return shape.length;
    }

    /** @param newShape dims of the same element count @return a view sharing the buffer */
    public DeviceTensor reshape(long[] newShape) {
        return new DeviceTensor(buffer, type, newShape.clone());
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public String toString() {
        return "DeviceTensor{" + type + " " + Arrays.toString(shape) + "}";
    }
}
