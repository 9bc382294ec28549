package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

/**
 * Softmax, LogSoftmax and Hardmax. Before opset 13 the input is coerced to 2-D at {@code axis}
 * (default 1) and the op runs over the whole trailing block; from opset 13 it runs along the one
 * dim {@code axis} (default -1). Both are rows of {@code len} elements {@code inner} apart.
 */
public final class ActivationSoftmax {
    /** Which of the three to compute. */
    public enum Kind { SOFTMAX, LOG_SOFTMAX, HARDMAX }

    private ActivationSoftmax() {
    }

    /**
     * The row layout of a Softmax-family op: {@code outer * inner} rows of {@code len} elements,
     * consecutive elements of a row {@code inner} apart.
     *
     * @param outer product of the dims before the axis
     * @param len   row length (the axis dim, or the whole trailing block before opset 13)
     * @param inner product of the dims after the axis (1 before opset 13)
     */
    public record Rows(long outer, long len, long inner) {
    }

    /**
     * Resolves {@code axis} for the node's opset (coerce-to-2-D before 13, one dim from 13).
     *
     * @param node  attributes and opset
     * @param shape input dims
     * @return the rows
     */
    public static Rows rows(Node node, long[] shape) {
        int rank = shape.length;
        boolean coerce = node.opset() < 13;
        long axisAttr = node.attrInt("axis", coerce ? 1 : -1);
        int axis;
        if (rank == 0) {
            axis = 0;
        } else if (coerce) {
            long a = axisAttr < 0 ? axisAttr + rank : axisAttr;
            if (a < 0 || a > rank) {
                throw new InvalidInputException(node + ": axis " + axisAttr + " is out of range for rank " + rank);
            }
            axis = (int) a;
        } else {
            axis = OpUtil.axis(axisAttr, rank, node);
        }
        long outer = 1;
        for (int i = 0; i < Math.min(axis, rank); i++) {
            outer *= shape[i];
        }
        long len = 1;
        long inner = 1;
        if (rank > 0 && coerce) {
            for (int i = axis; i < rank; i++) {
                len *= shape[i];
            }
        } else if (rank > 0) {
            len = shape[axis];
            for (int i = axis + 1; i < rank; i++) {
                inner *= shape[i];
            }
        }
        return new Rows(outer, len, inner);
    }

    /**
     * @param kind the function
     * @param node attributes and opset
     * @param x    input
     * @param ctx  allocation and threads
     * @return the result, same shape and type as {@code x}
     */
    public static Tensor run(Kind kind, Node node, Tensor x, ExecContext ctx) {
        DataType t = x.dataType();
        if (!t.isFloatingPoint()) {
            throw ElementwiseKernels.unsupported(node, x);
        }
        long[] shape = x.shape();
        Rows g = rows(node, shape);
        int outer = (int) g.outer();
        int len = (int) g.len();
        int inner = (int) g.inner();
        Tensor out = ctx.allocate(t, shape);
        int rows = outer * inner;
        if (x.numel() == 0) {
            return out;
        }
        int in0 = inner;
        int l0 = len;
        if (t == DataType.FLOAT) {
            float[] src = x.toFloatArray();
            float[] dst = new float[src.length];
            ctx.parallelFor(rows, 8L * len, (s, e) -> {
                double[] row = new double[l0];
                for (int r = s; r < e; r++) {
                    int base = (r / in0) * l0 * in0 + r % in0;
                    for (int j = 0; j < l0; j++) {
                        row[j] = src[base + j * in0];
                    }
                    apply(kind, row);
                    for (int j = 0; j < l0; j++) {
                        dst[base + j * in0] = (float) row[j];
                    }
                }
            });
            out.floats().put(dst);
        } else {
            double[] src = x.toDoubleArray();
            double[] dst = new double[src.length];
            ctx.parallelFor(rows, 8L * len, (s, e) -> {
                double[] row = new double[l0];
                for (int r = s; r < e; r++) {
                    int base = (r / in0) * l0 * in0 + r % in0;
                    for (int j = 0; j < l0; j++) {
                        row[j] = src[base + j * in0];
                    }
                    apply(kind, row);
                    for (int j = 0; j < l0; j++) {
                        dst[base + j * in0] = row[j];
                    }
                }
            });
            ElementwiseKernels.writeDoubles(out, dst);
        }
        return out;
    }

    /** Computes the function over one row, in place. */
    static void apply(Kind kind, double[] row) {
        int n = row.length;
        double max = Double.NEGATIVE_INFINITY;
        int arg = 0;
        for (int j = 0; j < n; j++) {
            if (row[j] > max) {
                max = row[j];
                arg = j;
            }
        }
        if (kind == Kind.HARDMAX) {
            java.util.Arrays.fill(row, 0);
            row[arg] = 1;
            return;
        }
        // Subtracting the max keeps exp from overflowing; it cancels out of the ratio.
        double sum = 0;
        if (kind == Kind.SOFTMAX) {
            for (int j = 0; j < n; j++) {
                row[j] = Math.exp(row[j] - max);
                sum += row[j];
            }
            double inv = 1.0 / sum;
            for (int j = 0; j < n; j++) {
                row[j] *= inv;
            }
            return;
        }
        for (int j = 0; j < n; j++) {
            sum += Math.exp(row[j] - max);
        }
        double logSum = Math.log(sum) + max;
        for (int j = 0; j < n; j++) {
            row[j] = row[j] - logSum;
        }
    }
}
