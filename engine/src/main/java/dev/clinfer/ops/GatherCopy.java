package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

import java.nio.ByteBuffer;

/**
 * Type-agnostic element block copies between tensors, used by the indexing operators (Gather,
 * Scatter, OneHot...). Numeric tensors move raw bytes, string tensors move references, so one
 * kernel serves every element type.
 */
final class GatherCopy {
    private final ByteBuffer src;
    private final ByteBuffer dst;
    private final String[] srcStrings;
    private final String[] dstStrings;
    private final int elem;

    /**
     * @param from the tensor read
     * @param to   the tensor written (same element type)
     */
    GatherCopy(Tensor from, Tensor to) {
        if (from.dataType() == DataType.STRING) {
            srcStrings = from.strings();
            dstStrings = to.strings();
            src = null;
            dst = null;
            elem = 1;
        } else {
            srcStrings = null;
            dstStrings = null;
            src = from.buffer();
            dst = to.buffer();
            elem = from.dataType().byteSize();
        }
    }

    /**
     * Copies {@code count} consecutive elements.
     *
     * @param srcIndex first element read
     * @param dstIndex first element written
     * @param count    element count
     */
    void copy(int srcIndex, int dstIndex, int count) {
        if (srcStrings != null) {
            System.arraycopy(srcStrings, srcIndex, dstStrings, dstIndex, count);
        } else if (elem == 4 && count == 1) {
            dst.putInt(dstIndex * 4, src.getInt(srcIndex * 4));
        } else if (elem == 8 && count == 1) {
            dst.putLong(dstIndex * 8, src.getLong(srcIndex * 8));
        } else {
            dst.put(dstIndex * elem, src, srcIndex * elem, count * elem);
        }
    }

    /**
     * Copies {@code src} into a new tensor (the starting point of the Scatter family).
     *
     * @param t   the tensor
     * @param ctx allocation
     * @return a copy
     */
    static Tensor copyOf(Tensor t, ExecContext ctx) {
        if (t.dataType() == DataType.STRING) {
            return t.copy();
        }
        Tensor out = ctx.allocate(t.dataType(), t.shape());
        out.buffer().put(t.buffer());
        return out;
    }

    /**
     * Resolves a possibly negative index against a dim, rejecting out-of-range values.
     *
     * @param idx   the index as read
     * @param dim   the dim size
     * @param node  for the message
     * @param what  which input holds the index
     * @return the index in {@code [0, dim)}
     */
    static int index(long idx, long dim, Node node, String what) {
        long i = idx < 0 ? idx + dim : idx;
        if (i < 0 || i >= dim) {
            throw new InvalidInputException(node + ": " + what + " value " + idx + " is out of range [" + (-dim) + ", "
                    + (dim - 1) + "]");
        }
        return (int) i;
    }

    /** @param shape dims @param from first dim @param to one past the last dim @return their product */
    static int prod(long[] shape, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= shape[i];
        }
        return Math.toIntExact(p);
    }
}
