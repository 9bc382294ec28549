package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;

/**
 * The Reduce* kernels over any set of axes. Dims are split into kept and reduced ones; each
 * output element reduces the input at its base offset plus a precomputed table of reduced
 * offsets, which covers every axis pattern. Float32 reductions over one contiguous block of
 * axes (the common case: last axis, or H and W) take a faster row-wise path. Integer inputs
 * reduce in 64-bit integers where the result is an integer (sums, products, extremes), so
 * int64 sentinels like INT64_MAX survive.
 */
final class ReduceKernel {
    private ReduceKernel() {
    }

    /** The reductions ONNX defines. */
    enum Kind { SUM, MEAN, MAX, MIN, PROD, L1, L2, LOG_SUM, LOG_SUM_EXP, SUM_SQUARE }

    /**
     * @param x       input
     * @param reduced per input dim, whether it is reduced
     * @param keep    keep reduced dims as size 1
     * @param kind    the reduction
     * @param ctx     allocation and threads
     * @return the reduced tensor, of the input's type
     */
    static Tensor reduce(Tensor x, boolean[] reduced, boolean keep, Kind kind, ExecContext ctx) {
        long[] shape = x.shape();
        int rank = shape.length;
        int nKept = 0;
        int nRed = 0;
        for (int a = 0; a < rank; a++) {
            if (reduced[a]) {
                nRed++;
            } else {
                nKept++;
            }
        }
        long[] outShape = new long[keep ? rank : nKept];
        int[] strides = OpUtil.strides(shape);
        int[] keptDims = new int[nKept];
        int[] keptStr = new int[nKept];
        int[] redDims = new int[nRed];
        int[] redStr = new int[nRed];
        int k = 0;
        int rr = 0;
        int o = 0;
        for (int a = 0; a < rank; a++) {
            if (reduced[a]) {
                redDims[rr] = (int) shape[a];
                redStr[rr++] = strides[a];
                if (keep) {
                    outShape[o++] = 1;
                }
            } else {
                keptDims[k] = (int) shape[a];
                keptStr[k++] = strides[a];
                outShape[o++] = shape[a];
            }
        }
        Tensor out = ctx.allocate(x.dataType(), outShape);
        int outN = OpUtil.size(outShape);
        int redN = 1;
        for (int d : redDims) {
            redN *= d;
        }
        if (outN == 0) {
            return out;
        }
        DataType t = x.dataType();
        if (t == DataType.FLOAT && redN > 0 && contiguousFast(kind) && ReduceFloatBlock.applies(shape, reduced)) {
            ReduceFloatBlock.run(x, out, shape, reduced, kind, ctx);
            return out;
        }
        int[] roff = offsets(redDims, redStr, redN);
        boolean integral = (t.isInteger() || t == DataType.BOOL) && integerKind(kind);
        int cost = Math.max(1, redN);
        if (integral) {
            long[] xs = x.toLongArray();
            ctx.parallelFor(outN, cost, (s, e) -> {
                for (int i = s; i < e; i++) {
                    out.setLong(i, reduceLong(xs, base(i, keptDims, keptStr), roff, kind));
                }
            });
        } else {
            double[] xs = x.toDoubleArray();
            ctx.parallelFor(outN, cost, (s, e) -> {
                for (int i = s; i < e; i++) {
                    out.setDouble(i, reduceDouble(xs, base(i, keptDims, keptStr), roff, kind));
                }
            });
        }
        return out;
    }

    private static boolean contiguousFast(Kind kind) {
        return kind == Kind.SUM || kind == Kind.MEAN || kind == Kind.MAX || kind == Kind.MIN
                || kind == Kind.SUM_SQUARE || kind == Kind.L1 || kind == Kind.L2;
    }

    private static boolean integerKind(Kind kind) {
        return kind == Kind.SUM || kind == Kind.PROD || kind == Kind.MAX || kind == Kind.MIN || kind == Kind.L1
                || kind == Kind.SUM_SQUARE;
    }

    /** Input offset of the first element that output {@code i} reduces. */
    private static int base(int i, int[] dims, int[] str) {
        int off = 0;
        for (int a = dims.length - 1; a >= 0; a--) {
            int q = i / dims[a];
            off += (i - q * dims[a]) * str[a];
            i = q;
        }
        return off;
    }

    /** Offsets, relative to an output's base, of every element it reduces. */
    private static int[] offsets(int[] dims, int[] str, int n) {
        int[] table = new int[n];
        int[] coord = new int[dims.length];
        int off = 0;
        for (int i = 0; i < n; i++) {
            table[i] = off;
            for (int a = dims.length - 1; a >= 0; a--) {
                coord[a]++;
                off += str[a];
                if (coord[a] < dims[a]) {
                    break;
                }
                off -= str[a] * coord[a];
                coord[a] = 0;
            }
        }
        return table;
    }

    private static long reduceLong(long[] x, int base, int[] roff, Kind kind) {
        long acc;
        switch (kind) {
            case SUM:
                acc = 0;
                for (int r : roff) {
                    acc += x[base + r];
                }
                return acc;
            case L1:
                acc = 0;
                for (int r : roff) {
                    acc += Math.abs(x[base + r]);
                }
                return acc;
            case SUM_SQUARE:
                acc = 0;
                for (int r : roff) {
                    long v = x[base + r];
                    acc += v * v;
                }
                return acc;
            case PROD:
                acc = 1;
                for (int r : roff) {
                    acc *= x[base + r];
                }
                return acc;
            case MAX:
                acc = Long.MIN_VALUE;
                for (int r : roff) {
                    acc = Math.max(acc, x[base + r]);
                }
                return acc;
            case MIN:
                acc = Long.MAX_VALUE;
                for (int r : roff) {
                    acc = Math.min(acc, x[base + r]);
                }
                return acc;
            default:
                throw new IllegalStateException(kind.name());
        }
    }

    private static double reduceDouble(double[] x, int base, int[] roff, Kind kind) {
        double acc;
        switch (kind) {
            case SUM:
            case MEAN:
            case LOG_SUM:
                acc = 0;
                for (int r : roff) {
                    acc += x[base + r];
                }
                return kind == Kind.SUM ? acc : kind == Kind.MEAN ? acc / roff.length : Math.log(acc);
            case L1:
                acc = 0;
                for (int r : roff) {
                    acc += Math.abs(x[base + r]);
                }
                return acc;
            case L2:
            case SUM_SQUARE:
                acc = 0;
                for (int r : roff) {
                    double v = x[base + r];
                    acc += v * v;
                }
                return kind == Kind.L2 ? Math.sqrt(acc) : acc;
            case PROD:
                acc = 1;
                for (int r : roff) {
                    acc *= x[base + r];
                }
                return acc;
            case MAX:
                acc = Double.NEGATIVE_INFINITY;
                for (int r : roff) {
                    double v = x[base + r];
                    acc = v > acc || Double.isNaN(v) ? v : acc;
                }
                return acc;
            case MIN:
                acc = Double.POSITIVE_INFINITY;
                for (int r : roff) {
                    double v = x[base + r];
                    acc = v < acc || Double.isNaN(v) ? v : acc;
                }
                return acc;
            case LOG_SUM_EXP: {
                double m = Double.NEGATIVE_INFINITY;
                for (int r : roff) {
                    m = Math.max(m, x[base + r]);
                }
                if (Double.isInfinite(m)) {
                    // all -inf (or empty): -inf; any +inf: +inf
                    return m;
                }
                acc = 0;
                for (int r : roff) {
                    acc += Math.exp(x[base + r] - m);
                }
                return m + Math.log(acc);
            }
            default:
                throw new IllegalStateException(kind.name());
        }
    }
}
