package dev.clinfer.ops;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.api.UnsupportedOperatorException;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/**
 * GridSample (opset 16 4-D form, and the N-D form of opset 20): samples X at the normalised
 * coordinates of {@code grid} with nearest, (bi)linear or (bi)cubic interpolation and zeros,
 * border or reflection padding, following PyTorch's {@code grid_sample}.
 */
final class ResizeGridSample {
    private ResizeGridSample() {
    }

    static void register(OpRegistry r) {
        r.register("GridSample", ResizeGridSample::gridSample);
    }

    private enum Mode { NEAREST, LINEAR, CUBIC }

    private enum Pad { ZEROS, BORDER, REFLECTION }

    private static Tensor[] gridSample(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = NormalizationOps.input(node, in, 0, "X");
        Tensor grid = NormalizationOps.input(node, in, 1, "grid");
        NormalizationOps.requireFloating(node, x, "X");
        long[] xs = x.shape();
        long[] gs = grid.shape();
        int r = xs.length - 2;
        if (r < 1 || gs.length != xs.length || gs[0] != xs[0] || gs[gs.length - 1] != r) {
            throw new InvalidInputException(node + ": grid " + Arrays.toString(gs) + " does not fit X " + Arrays.toString(xs)
                    + " (expected [N, out spatial..., " + r + "])");
        }
        Mode mode = mode(node);
        Pad pad = pad(node);
        boolean align = node.attrInt("align_corners", 0) != 0;
        int n = (int) xs[0];
        int c = (int) xs[1];
        long[] dims = Arrays.copyOfRange(xs, 2, xs.length);
        long[] outDims = Arrays.copyOfRange(gs, 1, gs.length - 1);
        int inS = OpUtil.size(dims);
        int outS = OpUtil.size(outDims);
        int[] str = OpUtil.strides(dims);
        long[] ys = new long[xs.length];
        ys[0] = n;
        ys[1] = c;
        System.arraycopy(outDims, 0, ys, 2, r);
        double[] xv = x.toDoubleArray();
        double[] gv = grid.toDoubleArray();
        double[] yv = new double[n * c * outS];
        int perDim = mode == Mode.NEAREST ? 1 : mode == Mode.LINEAR ? 2 : 4;
        int combos = (int) Math.pow(perDim, r);
        ctx.parallelFor(n * outS, (long) c * combos * 2, (s, e) -> {
            int[][] ti = new int[r][perDim];
            double[][] tw = new double[r][perDim];
            int[] offs = new int[combos];
            double[] ws = new double[combos];
            int[] k = new int[r];
            for (int u = s; u < e; u++) {
                int b = u / outS;
                int o = u % outS;
                for (int d = 0; d < r; d++) {
                    // The grid's last dim lists coordinates innermost first (x = width).
                    double g = gv[u * r + (r - 1 - d)];
                    taps(g, (int) dims[d], align, mode, pad, r, ti[d], tw[d]);
                }
                int m = 0;
                Arrays.fill(k, 0);
                while (true) {
                    int off = 0;
                    double w = 1;
                    boolean valid = true;
                    for (int d = 0; d < r; d++) {
                        int i = ti[d][k[d]];
                        valid &= i >= 0;
                        off += i * str[d];
                        w *= tw[d][k[d]];
                    }
                    if (valid) {
                        offs[m] = off;
                        ws[m++] = w;
                    }
                    int d = r - 1;
                    while (d >= 0 && ++k[d] == perDim) {
                        k[d] = 0;
                        d--;
                    }
                    if (d < 0) {
                        break;
                    }
                }
                for (int ch = 0; ch < c; ch++) {
                    int base = (b * c + ch) * inS;
                    double acc = 0;
                    for (int j = 0; j < m; j++) {
                        acc += ws[j] * xv[base + offs[j]];
                    }
                    yv[(b * c + ch) * outS + o] = acc;
                }
            }
        });
        Tensor y = ctx.allocate(x.dataType(), ys);
        PoolData.store(y, yv);
        return new Tensor[] {y};
    }

    private static Mode mode(Node node) {
        String m = node.attrString("mode", node.opset() >= 20 ? "linear" : "bilinear");
        switch (m) {
            case "bilinear":
            case "linear":
                return Mode.LINEAR;
            case "nearest":
                return Mode.NEAREST;
            case "bicubic":
            case "cubic":
                return Mode.CUBIC;
            default:
                throw new UnsupportedOperatorException(node + ": unsupported mode '" + m + "'");
        }
    }

    private static Pad pad(Node node) {
        String p = node.attrString("padding_mode", "zeros");
        switch (p) {
            case "zeros": return Pad.ZEROS;
            case "border": return Pad.BORDER;
            case "reflection": return Pad.REFLECTION;
            default:
                throw new UnsupportedOperatorException(node + ": unsupported padding_mode '" + p + "'");
        }
    }

    /**
     * Fills the input indices (-1 for a zero-padded tap) and weights of one axis for the normalised
     * coordinate {@code g}.
     */
    private static void taps(double g, int len, boolean align, Mode mode, Pad pad, int rank, int[] idx, double[] w) {
        double lo = align ? 0 : -0.5;
        double hi = align ? len - 1 : len - 0.5;
        double x = align ? (g + 1) / 2 * (len - 1) : ((g + 1) * len - 1) / 2;
        if (mode == Mode.NEAREST) {
            // PyTorch rounds half to even in 2-D (nearbyint) and half away from zero in 3-D (round).
            x = rank == 3 ? (x >= 0 ? Math.floor(x + 0.5) : Math.ceil(x - 0.5)) : Math.rint(x);
        }
        if (x < lo || x > hi) {
            if (pad == Pad.BORDER) {
                x = Math.min(Math.max(x, 0), len - 1);
            } else if (pad == Pad.REFLECTION) {
                x = reflect(x, lo, hi);
            }
        }
        if (mode == Mode.NEAREST) {
            idx[0] = pixel((int) x, len, pad, lo, hi);
            w[0] = 1;
            return;
        }
        int x0 = (int) Math.floor(x);
        double t = x - x0;
        if (mode == Mode.LINEAR) {
            idx[0] = pixel(x0, len, pad, lo, hi);
            idx[1] = pixel(x0 + 1, len, pad, lo, hi);
            w[0] = 1 - t;
            w[1] = t;
            return;
        }
        double a = -0.75;
        for (int i = 0; i < 4; i++) {
            idx[i] = pixel(x0 - 1 + i, len, pad, lo, hi);
            double dist = Math.abs(t - (i - 1));
            w[i] = dist <= 1 ? ((a + 2) * dist - (a + 3)) * dist * dist + 1
                    : dist < 2 ? ((a * dist - 5 * a) * dist + 8 * a) * dist - 4 * a : 0;
        }
    }

    private static int pixel(int i, int len, Pad pad, double lo, double hi) {
        switch (pad) {
            case ZEROS:
                return i >= 0 && i < len ? i : -1;
            case BORDER:
                return Math.min(Math.max(i, 0), len - 1);
            default: {
                int j = (int) reflect(i, lo, hi);
                return Math.min(Math.max(j, 0), len - 1);
            }
        }
    }

    /** Reflects {@code x} at the borders until it lies in {@code [lo, hi]}. */
    private static double reflect(double x, double lo, double hi) {
        double range = hi - lo;
        if (range <= 0) {
            return lo;
        }
        if (x < lo) {
            double dx = lo - x;
            long n = (long) (dx / range);
            double rem = dx - n * range;
            return n % 2 == 0 ? lo + rem : hi - rem;
        }
        if (x > hi) {
            double dx = x - hi;
            long n = (long) (dx / range);
            double rem = dx - n * range;
            return n % 2 == 0 ? hi - rem : lo + rem;
        }
        return x;
    }
}
