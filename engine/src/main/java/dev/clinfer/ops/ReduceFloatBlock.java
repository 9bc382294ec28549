package dev.clinfer.ops;

import dev.clinfer.api.Tensor;

import java.nio.FloatBuffer;

/**
 * Float32 fast path of {@link ReduceKernel} when the reduced axes form one contiguous block,
 * so the input is {@code [outer, R, inner]}: rows are read in bulk and accumulated in double,
 * in parallel over outputs.
 */
final class ReduceFloatBlock {
    /** Inner elements one task accumulates at a time. */
    private static final int CHUNK = 512;

    private ReduceFloatBlock() {
    }

    /** @return whether the reduced axes are one run of consecutive axes */
    static boolean applies(long[] shape, boolean[] reduced) {
        int first = -1;
        int last = -1;
        for (int a = 0; a < reduced.length; a++) {
            if (reduced[a]) {
                if (first < 0) {
                    first = a;
                } else if (last != a - 1) {
                    return false;
                }
                last = a;
            }
        }
        return first >= 0;
    }

    static void run(Tensor x, Tensor out, long[] shape, boolean[] reduced, ReduceKernel.Kind kind, ExecContext ctx) {
        int first = -1;
        int last = -1;
        for (int a = 0; a < reduced.length; a++) {
            if (reduced[a]) {
                last = a;
                if (first < 0) {
                    first = a;
                }
            }
        }
        int outer = GatherCopy.prod(shape, 0, first);
        int red = GatherCopy.prod(shape, first, last + 1);
        int inner = GatherCopy.prod(shape, last + 1, shape.length);
        FloatBuffer src = x.floats();
        FloatBuffer dst = out.floats();
        if (inner == 1) {
            ctx.parallelFor(outer, red, (s, e) -> {
                float[] row = new float[red];
                for (int o = s; o < e; o++) {
                    src.get(o * red, row, 0, red);
                    dst.put(o, (float) rowValue(row, red, kind));
                }
            });
            return;
        }
        int chunks = (inner + CHUNK - 1) / CHUNK;
        ctx.parallelFor(outer * chunks, (long) red * Math.min(inner, CHUNK), (s, e) -> {
            float[] row = new float[CHUNK];
            double[] acc = new double[CHUNK];
            for (int t = s; t < e; t++) {
                int o = t / chunks;
                int j0 = (t - o * chunks) * CHUNK;
                int len = Math.min(CHUNK, inner - j0);
                boolean ext = kind == ReduceKernel.Kind.MAX || kind == ReduceKernel.Kind.MIN;
                src.get(o * red * inner + j0, row, 0, len);
                for (int j = 0; j < len; j++) {
                    acc[j] = ext ? row[j] : transform(row[j], kind);
                }
                for (int r = 1; r < red; r++) {
                    src.get((o * red + r) * inner + j0, row, 0, len);
                    accumulate(acc, row, len, kind);
                }
                for (int j = 0; j < len; j++) {
                    dst.put(o * inner + j0 + j, (float) finish(acc[j], red, kind));
                }
            }
        });
    }

    private static double transform(float v, ReduceKernel.Kind kind) {
        switch (kind) {
            case L1: return Math.abs(v);
            case L2:
            case SUM_SQUARE: return (double) v * v;
            default: return v;
        }
    }

    private static void accumulate(double[] acc, float[] row, int len, ReduceKernel.Kind kind) {
        switch (kind) {
            case MAX:
                for (int j = 0; j < len; j++) {
                    float v = row[j];
                    acc[j] = v > acc[j] || v != v ? v : acc[j];
                }
                break;
            case MIN:
                for (int j = 0; j < len; j++) {
                    float v = row[j];
                    acc[j] = v < acc[j] || v != v ? v : acc[j];
                }
                break;
            case L1:
                for (int j = 0; j < len; j++) {
                    acc[j] += Math.abs(row[j]);
                }
                break;
            case L2:
            case SUM_SQUARE:
                for (int j = 0; j < len; j++) {
                    double v = row[j];
                    acc[j] += v * v;
                }
                break;
            default:
                for (int j = 0; j < len; j++) {
                    acc[j] += row[j];
                }
                break;
        }
    }

    private static double finish(double acc, int n, ReduceKernel.Kind kind) {
        switch (kind) {
            case MEAN: return acc / n;
            case L2: return Math.sqrt(acc);
            default: return acc;
        }
    }

    /** Reduces one contiguous row; four partial sums keep the adds independent. */
    private static double rowValue(float[] row, int n, ReduceKernel.Kind kind) {
        if (kind == ReduceKernel.Kind.MAX || kind == ReduceKernel.Kind.MIN) {
            boolean max = kind == ReduceKernel.Kind.MAX;
            float m = row[0];
            for (int i = 1; i < n && m == m; i++) {
                float v = row[i];
                m = (max ? v > m : v < m) || v != v ? v : m;
            }
            return m;
        }
        double a0 = 0;
        double a1 = 0;
        double a2 = 0;
        double a3 = 0;
        int i = 0;
        if (kind == ReduceKernel.Kind.SUM || kind == ReduceKernel.Kind.MEAN) {
            for (; i + 3 < n; i += 4) {
                a0 += row[i];
                a1 += row[i + 1];
                a2 += row[i + 2];
                a3 += row[i + 3];
            }
            for (; i < n; i++) {
                a0 += row[i];
            }
        } else if (kind == ReduceKernel.Kind.L1) {
            for (; i < n; i++) {
                a0 += Math.abs(row[i]);
            }
        } else {
            for (; i + 3 < n; i += 4) {
                a0 += (double) row[i] * row[i];
                a1 += (double) row[i + 1] * row[i + 1];
                a2 += (double) row[i + 2] * row[i + 2];
                a3 += (double) row[i + 3] * row[i + 3];
            }
            for (; i < n; i++) {
                a0 += (double) row[i] * row[i];
            }
        }
        return finish(a0 + a1 + a2 + a3, n, kind);
    }
}
