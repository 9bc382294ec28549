package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/** Shared arithmetic of the quantized operators: saturation, zero points, per-axis parameters. */
final class QuantMath {
    private QuantMath() {
    }

    /** @param t an integer type @return its smallest value */
    static long min(DataType t) {
        switch (t) {
            case UINT8: case UINT16: case UINT32: case UINT64: return 0;
            case INT8: return Byte.MIN_VALUE;
            case INT16: return Short.MIN_VALUE;
            case INT32: return Integer.MIN_VALUE;
            default: return Long.MIN_VALUE;
        }
    }

    /** @param t an integer type @return its largest value */
    static long max(DataType t) {
        switch (t) {
            case UINT8: return 255;
            case INT8: return Byte.MAX_VALUE;
            case UINT16: return 65535;
            case INT16: return Short.MAX_VALUE;
            case UINT32: return 0xffffffffL;
            case INT32: return Integer.MAX_VALUE;
            default: return Long.MAX_VALUE;
        }
    }

    /**
     * Rounds half to even and clamps into the type's range, as QuantizeLinear does.
     *
     * @param v value
     * @param t target integer type
     * @return the saturated integer
     */
    static long saturate(double v, DataType t) {
        double r = Math.rint(v);
        double lo = min(t);
        double hi = max(t);
        if (Double.isNaN(r)) {
            return 0;
        }
        return (long) Math.max(lo, Math.min(hi, r));
    }

    /**
     * A tensor's integer elements minus a zero point that is a scalar, per row or per column
     * of each matrix of a (batched) matrix operand.
     *
     * @param t          the [batch.., rows, cols] operand (as a flat list of matrices)
     * @param zp         zero point tensor, or null for 0
     * @param batchCount number of matrices
     * @param rows       rows per matrix
     * @param cols       columns per matrix
     * @param perRow     true: a vector zero point indexes rows (A); false: columns (B)
     * @param node       for errors
     * @param name       zero point name for errors
     * @return the centred elements
     */
    static int[] centered(Tensor t, Tensor zp, int batchCount, int rows, int cols, boolean perRow,
                          Node node, String name) {
        int[] v = t.toIntArray();
        if (t.dataType() == DataType.UINT8) {
            for (int i = 0; i < v.length; i++) {
                v[i] &= 0xff;
            }
        }
        if (zp == null) {
            return v;
        }
        int[] z = zp.toIntArray();
        if (zp.dataType() == DataType.UINT8) {
            for (int i = 0; i < z.length; i++) {
                z[i] &= 0xff;
            }
        }
        int per = perRow ? rows : cols;
        if (z.length == 1) {
            int s = z[0];
            for (int i = 0; i < v.length; i++) {
                v[i] -= s;
            }
        } else if (z.length == per || z.length == batchCount * per) {
            boolean batched = z.length != per;
            int mat = rows * cols;
            for (int i = 0; i < v.length; i++) {
                int inner = perRow ? (i % mat) / cols : i % cols;
                v[i] -= z[batched ? (i / mat) * per + inner : inner];
            }
        } else {
            throw new InvalidInputException(node + ": " + name + " of shape " + Arrays.toString(zp.shape())
                    + " is neither a scalar nor one value per " + (perRow ? "row (" + rows : "column (" + cols) + ")");
        }
        return v;
    }

    /**
     * Expands a scale or zero point that is a scalar or a 1-D tensor along {@code axis} into
     * one value per element of a tensor of {@code shape}.
     *
     * @param paramLength number of parameter values (1 or {@code shape[axis]})
     * @param shape  the data shape
     * @param axis   the quantization axis (already normalised)
     * @param node   for errors
     * @param name   parameter name for errors
     * @return per flat element index, the index of its parameter
     */
    static int[] axisIndex(int paramLength, long[] shape, int axis, Node node, String name) {
        int n = OpUtil.size(shape);
        int[] idx = new int[n];
        if (paramLength == 1) {
            return idx;
        }
        if (shape.length == 0 || shape[axis] != paramLength) {
            throw new InvalidInputException(node + ": " + name + " has " + paramLength + " values but the input "
                    + Arrays.toString(shape) + " has " + (shape.length == 0 ? 1 : shape[axis]) + " along axis " + axis);
        }
        int inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= (int) shape[d];
        }
        for (int i = 0; i < n; i++) {
            idx[i] = (i / inner) % paramLength;
        }
        return idx;
    }
}
