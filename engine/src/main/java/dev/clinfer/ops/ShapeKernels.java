package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;

/** Small dtype-agnostic helpers of the shape-op family: fills and permuted copies. */
public final class ShapeKernels {
    private ShapeKernels() {
    }

    /**
     * Sets every element of {@code out} to {@code value[idx]} (same element type, bits copied).
     *
     * @param out   destination
     * @param value source of the element
     * @param idx   flat index of the element in {@code value}
     */
    public static void fill(Tensor out, Tensor value, int idx) {
        fill(out, value, idx, 0, out.numel());
    }

    /**
     * Sets elements {@code [from, to)} of {@code out} to {@code value[idx]}.
     *
     * @param out   destination
     * @param value source of the element, same type as {@code out}
     * @param idx   flat index in {@code value}
     * @param from  first element
     * @param to    one past the last element
     */
    public static void fill(Tensor out, Tensor value, int idx, int from, int to) {
        if (value.dataType() != out.dataType()) {
            value = value.convertTo(out.dataType());
        }
        if (out.dataType() == DataType.STRING) {
            Arrays.fill(out.strings(), from, to, value.strings()[idx]);
            return;
        }
        switch (out.dataType().byteSize()) {
            case 1: {
                byte v = value.buffer().get(idx);
                ByteBuffer b = out.buffer();
                for (int i = from; i < to; i++) {
                    b.put(i, v);
                }
                break;
            }
            case 2: {
                short v = value.buffer().asShortBuffer().get(idx);
                ShortBuffer b = out.buffer().asShortBuffer();
                for (int i = from; i < to; i++) {
                    b.put(i, v);
                }
                break;
            }
            case 4: {
                int v = value.buffer().asIntBuffer().get(idx);
                IntBuffer b = out.buffer().asIntBuffer();
                for (int i = from; i < to; i++) {
                    b.put(i, v);
                }
                break;
            }
            default: {
                long v = value.buffer().asLongBuffer().get(idx);
                LongBuffer b = out.buffer().asLongBuffer();
                for (int i = from; i < to; i++) {
                    b.put(i, v);
                }
                break;
            }
        }
    }

    /**
     * @param type element type
     * @param v    a number
     * @return a one-element tensor of {@code type} holding {@code v} (cast as ONNX Cast would)
     */
    public static Tensor scalarOf(DataType type, double v) {
        Tensor t = Tensor.allocate(type, 1);
        if (type != DataType.STRING) {
            t.setDouble(0, v);
        }
        return t;
    }

    /**
     * Transposes {@code x} viewed with dims {@code shape} by {@code perm} into a new tensor.
     *
     * @param ctx   allocation and pool
     * @param x     the elements (any shape with the same count)
     * @param shape the dims to view {@code x} with
     * @param perm  output dim i is input dim perm[i]
     * @param outShape dims to give the result (same count as the permuted shape)
     * @return the transposed copy
     */
    public static Tensor permute(ExecContext ctx, Tensor x, long[] shape, int[] perm, long[] outShape) {
        long[] inStr = LayoutCopy.strides(shape);
        long[] box = new long[perm.length];
        long[] sStr = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            box[i] = shape[perm[i]];
            sStr[i] = inStr[perm[i]];
        }
        Tensor out = ctx.allocate(x.dataType(), outShape);
        LayoutCopy.copy(ctx, x, 0, sStr, out, 0, LayoutCopy.strides(box), box);
        return out;
    }
}
