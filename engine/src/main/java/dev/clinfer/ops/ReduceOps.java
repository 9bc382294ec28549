package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

/**
 * Java CPU kernels: the Reduce* family (in {@link ReduceKernel}), ArgMax/ArgMin, CumSum here,
 * and TopK (in {@link TopKKernel}).
 */
public final class ReduceOps {
    private ReduceOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        reduction(r, "ReduceSum", ReduceKernel.Kind.SUM);
        reduction(r, "ReduceMean", ReduceKernel.Kind.MEAN);
        reduction(r, "ReduceMax", ReduceKernel.Kind.MAX);
        reduction(r, "ReduceMin", ReduceKernel.Kind.MIN);
        reduction(r, "ReduceProd", ReduceKernel.Kind.PROD);
        reduction(r, "ReduceL1", ReduceKernel.Kind.L1);
        reduction(r, "ReduceL2", ReduceKernel.Kind.L2);
        reduction(r, "ReduceLogSum", ReduceKernel.Kind.LOG_SUM);
        reduction(r, "ReduceLogSumExp", ReduceKernel.Kind.LOG_SUM_EXP);
        reduction(r, "ReduceSumSquare", ReduceKernel.Kind.SUM_SQUARE);
        r.register("ArgMax", (node, in, ctx) -> argExtreme(node, in, ctx, true));
        r.register("ArgMin", (node, in, ctx) -> argExtreme(node, in, ctx, false));
        r.register("CumSum", ReduceOps::cumSum);
        r.register("TopK", TopKKernel::run);
    }

    private static void reduction(OpRegistry r, String op, ReduceKernel.Kind kind) {
        r.register(op, (node, in, ctx) -> reduce(node, in, ctx, kind));
    }

    /**
     * Axes come from the second input where the opset made them one (ReduceSum 13+, the rest
     * 18+), else from the attribute; an input that is present is used whatever the opset.
     */
    private static Tensor[] reduce(Node node, Tensor[] in, ExecContext ctx, ReduceKernel.Kind kind) {
        if (in.length < 1 || in[0] == null) {
            throw new InvalidInputException(node + ": missing input 0 (data)");
        }
        Tensor x = in[0];
        long[] axes = in.length > 1 && in[1] != null ? in[1].toLongArray() : node.attrInts("axes", null);
        boolean keep = node.attrInt("keepdims", 1) != 0;
        int rank = x.rank();
        boolean[] reduced = new boolean[rank];
        if (axes == null || axes.length == 0) {
            if (node.attrInt("noop_with_empty_axes", 0) != 0) {
                return new Tensor[] {x};
            }
            java.util.Arrays.fill(reduced, true);
        } else {
            for (long a : axes) {
                int ax = OpUtil.axis(a, rank, node);
                if (reduced[ax]) {
                    throw new InvalidInputException(node + ": axis " + a + " is listed twice in axes "
                            + java.util.Arrays.toString(axes));
                }
                reduced[ax] = true;
            }
        }
        return new Tensor[] {ReduceKernel.reduce(x, reduced, keep, kind, ctx)};
    }

    /** ArgMax/ArgMin along one axis; ties pick the first index unless select_last_index. */
    private static Tensor[] argExtreme(Node node, Tensor[] in, ExecContext ctx, boolean max) {
        if (in.length < 1 || in[0] == null) {
            throw new InvalidInputException(node + ": missing input 0 (data)");
        }
        Tensor x = in[0];
        long[] shape = x.shape();
        int rank = shape.length;
        int axis = OpUtil.axis(node.attrInt("axis", 0), rank, node);
        boolean keep = node.attrInt("keepdims", 1) != 0;
        boolean last = node.attrInt("select_last_index", 0) != 0;
        int outer = GatherCopy.prod(shape, 0, axis);
        int d = (int) shape[axis];
        int inner = GatherCopy.prod(shape, axis + 1, rank);
        if (d == 0) {
            throw new InvalidInputException(node + ": cannot take an arg-extreme over an empty axis " + axis);
        }
        long[] outShape = new long[keep ? rank : rank - 1];
        for (int a = 0, o = 0; a < rank; a++) {
            if (a != axis) {
                outShape[o++] = shape[a];
            } else if (keep) {
                outShape[o++] = 1;
            }
        }
        Tensor out = ctx.allocate(DataType.INT64, outShape);
        boolean integral = x.dataType().isInteger();
        double[] xd = integral ? null : x.toDoubleArray();
        long[] xl = integral ? x.toLongArray() : null;
        ctx.parallelFor(outer * inner, d, (s, e) -> {
            for (int t = s; t < e; t++) {
                int o = t / inner;
                int i = t - o * inner;
                int base = o * d * inner + i;
                int best = 0;
                for (int j = 1; j < d; j++) {
                    int p = base + j * inner;
                    int q = base + best * inner;
                    int c = integral ? Long.compare(xl[p], xl[q]) : Double.compare(xd[p], xd[q]);
                    if (!max) {
                        c = -c;
                    }
                    if (c > 0 || (c == 0 && last)) {
                        best = j;
                    }
                }
                out.setLong(t, best);
            }
        });
        return new Tensor[] {out};
    }

    /** CumSum along the axis given as a scalar input; exclusive and reverse attributes. */
    private static Tensor[] cumSum(Node node, Tensor[] in, ExecContext ctx) {
        if (in.length < 2 || in[0] == null || in[1] == null) {
            throw new InvalidInputException(node + ": needs x and axis");
        }
        Tensor x = in[0];
        if (in[1].size() != 1) {
            throw new InvalidInputException(node + ": axis must be a scalar, got " + in[1]);
        }
        long[] shape = x.shape();
        int rank = shape.length;
        int axis = OpUtil.axis(in[1].getLong(0), rank, node);
        boolean exclusive = node.attrInt("exclusive", 0) != 0;
        boolean reverse = node.attrInt("reverse", 0) != 0;
        int outer = GatherCopy.prod(shape, 0, axis);
        int d = (int) shape[axis];
        int inner = GatherCopy.prod(shape, axis + 1, rank);
        Tensor out = ctx.allocate(x.dataType(), shape);
        boolean integral = x.dataType().isInteger();
        double[] xd = integral ? null : x.toDoubleArray();
        long[] xl = integral ? x.toLongArray() : null;
        ctx.parallelFor(outer * inner, d, (s, e) -> {
            for (int t = s; t < e; t++) {
                int o = t / inner;
                int i = t - o * inner;
                int base = o * d * inner + i;
                double accD = 0;
                long accL = 0;
                for (int k = 0; k < d; k++) {
                    int j = reverse ? d - 1 - k : k;
                    int p = base + j * inner;
                    if (integral) {
                        if (exclusive) {
                            out.setLong(p, accL);
                            accL += xl[p];
                        } else {
                            accL += xl[p];
                            out.setLong(p, accL);
                        }
                    } else {
                        if (exclusive) {
                            out.setDouble(p, accD);
                            accD += xd[p];
                        } else {
                            accD += xd[p];
                            out.setDouble(p, accD);
                        }
                    }
                }
            }
        });
        return new Tensor[] {out};
    }
}
