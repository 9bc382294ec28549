package dev.clinfer.ops;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/**
 * Java CPU kernels: BatchNormalization, InstanceNormalization, LRN and LpNormalization. The
 * row-wise normalisations (LayerNormalization, GroupNormalization, MeanVarianceNormalization)
 * live in {@link NormLayer}.
 *
 * <p>Statistics are accumulated in double; the float32 path reads and writes {@code float[]}.
 */
public final class NormalizationOps {
    private NormalizationOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        r.register("BatchNormalization", NormalizationOps::batchNorm);
        r.register("InstanceNormalization", NormalizationOps::instanceNorm);
        r.register("LRN", NormalizationOps::lrn);
        r.register("LpNormalization", NormalizationOps::lpNorm);
        NormLayer.register(r);
    }

    static Tensor input(Node node, Tensor[] in, int i, String name) {
        if (in.length <= i || in[i] == null) {
            throw new InvalidInputException(node + ": missing required input " + name);
        }
        return in[i];
    }

    static void requireFloating(Node node, Tensor x, String name) {
        if (!x.dataType().isFloatingPoint()) {
            throw new InvalidInputException(node + ": input " + name + " must be floating point, got " + x.dataType());
        }
    }

    private static boolean wants(Node node, int output) {
        return node.outputs().size() > output && !node.outputs().get(output).isEmpty();
    }

    /**
     * BatchNormalization. Inference form: {@code y = scale * (x - mean) / sqrt(var + eps) + B}
     * per channel (or per activation for opset-6 {@code spatial = 0}). Training form (opset 14
     * {@code training_mode = 1}, or earlier versions asked for the statistics outputs) normalises
     * with the batch statistics and also returns the updated running mean and variance.
     */
    private static Tensor[] batchNorm(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = input(node, in, 0, "X");
        requireFloating(node, x, "X");
        double[] scale = input(node, in, 1, "scale").toDoubleArray();
        double[] bias = input(node, in, 2, "B").toDoubleArray();
        double[] mean = input(node, in, 3, "mean").toDoubleArray();
        double[] var = input(node, in, 4, "var").toDoubleArray();
        double eps = node.attrFloat("epsilon", 1e-5f);
        long[] xs = x.shape();
        if (xs.length < 2) {
            throw new InvalidInputException(node + ": X must have rank >= 2, got " + Arrays.toString(xs));
        }
        int n = (int) xs[0];
        int c = (int) xs[1];
        int spatial = OpUtil.size(Arrays.copyOfRange(xs, 2, xs.length));
        // Opset 14+: training_mode. Opsets 7-9: the statistics outputs mark training. Opset 6 also has is_test.
        boolean training = node.opset() >= 14 ? node.attrInt("training_mode", 0) != 0
                : wants(node, 1) && (node.opset() >= 7 || node.attrInt("is_test", 0) == 0);
        // Opset < 9 with spatial = 0: statistics per activation (C x spatial) instead of per channel.
        int group = scale.length == c ? spatial : 1;
        int channels = scale.length;
        if (channels * group != c * spatial || bias.length != channels || mean.length != channels || var.length != channels) {
            throw new InvalidInputException(node + ": scale/B/mean/var have " + scale.length + "/" + bias.length + "/"
                    + mean.length + "/" + var.length + " elements; expected " + c + " for X " + Arrays.toString(xs));
        }
        double[] useMean = mean;
        double[] useVar = var;
        double[] batchMean = null;
        double[] batchVar = null;
        if (training) {
            double[] xv = x.toDoubleArray();
            batchMean = new double[channels];
            batchVar = new double[channels];
            long count = (long) n * group;
            for (int b = 0; b < n; b++) {
                for (int k = 0; k < channels; k++) {
                    int base = (b * channels + k) * group;
                    for (int i = 0; i < group; i++) {
                        batchMean[k] += xv[base + i];
                    }
                }
            }
            for (int k = 0; k < channels; k++) {
                batchMean[k] /= count;
            }
            for (int b = 0; b < n; b++) {
                for (int k = 0; k < channels; k++) {
                    int base = (b * channels + k) * group;
                    for (int i = 0; i < group; i++) {
                        double d = xv[base + i] - batchMean[k];
                        batchVar[k] += d * d;
                    }
                }
            }
            for (int k = 0; k < channels; k++) {
                batchVar[k] /= count;
            }
            useMean = batchMean;
            useVar = batchVar;
        }
        double[] a = new double[channels];
        double[] b = new double[channels];
        for (int k = 0; k < channels; k++) {
            a[k] = scale[k] / Math.sqrt(useVar[k] + eps);
            b[k] = bias[k] - useMean[k] * a[k];
        }
        Tensor y = affinePerPlane(x, ctx, n * channels, group, channels, a, b);
        if (!training) {
            return new Tensor[] {y};
        }
        double momentum = node.attrFloat("momentum", 0.9f);
        double[] runMean = new double[channels];
        double[] runVar = new double[channels];
        for (int k = 0; k < channels; k++) {
            runMean[k] = mean[k] * momentum + batchMean[k] * (1 - momentum);
            runVar[k] = var[k] * momentum + batchVar[k] * (1 - momentum);
        }
        long[] statShape = in[3].shape();
        Tensor[] out = new Tensor[node.opset() >= 14 ? 3 : 5];
        out[0] = y;
        out[1] = vector(ctx, in[3], runMean, statShape);
        out[2] = vector(ctx, in[4], runVar, statShape);
        if (out.length == 5) {
            out[3] = vector(ctx, in[3], batchMean, statShape);
            out[4] = vector(ctx, in[4], batchVar, statShape);
        }
        return out;
    }

    private static Tensor vector(ExecContext ctx, Tensor like, double[] v, long[] shape) {
        Tensor t = ctx.allocate(like.dataType(), shape);
        PoolData.store(t, v);
        return t;
    }

    /**
     * {@code y = x * a[p % channels] + b[p % channels]} for every plane {@code p} of {@code planeSize}
     * contiguous elements; parallel over planes.
     */
    static Tensor affinePerPlane(Tensor x, ExecContext ctx, int planes, int planeSize, int channels, double[] a, double[] b) {
        Tensor y = ctx.allocate(x.dataType(), x.shape());
        if (PoolData.isFloat(x)) {
            java.nio.FloatBuffer xb = x.floats();
            java.nio.FloatBuffer yb = y.floats();
            ctx.parallelFor(planes, Math.max(1, planeSize) * 2L, (s, e) -> {
                float[] row = new float[planeSize];
                java.nio.FloatBuffer xr = xb.duplicate();
                java.nio.FloatBuffer yr = yb.duplicate();
                for (int p = s; p < e; p++) {
                    float fa = (float) a[p % channels];
                    float fb = (float) b[p % channels];
                    xr.get(p * planeSize, row);
                    for (int i = 0; i < planeSize; i++) {
                        row[i] = row[i] * fa + fb;
                    }
                    yr.put(p * planeSize, row);
                }
            });
        } else {
            double[] xv = x.toDoubleArray();
            for (int p = 0; p < planes; p++) {
                double fa = a[p % channels];
                double fb = b[p % channels];
                for (int i = p * planeSize, end = i + planeSize; i < end; i++) {
                    xv[i] = xv[i] * fa + fb;
                }
            }
            PoolData.store(y, xv);
        }
        return y;
    }

    /** InstanceNormalization: per (N, C) plane mean/variance, then the per-channel affine. */
    private static Tensor[] instanceNorm(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = input(node, in, 0, "input");
        requireFloating(node, x, "input");
        double[] scale = input(node, in, 1, "scale").toDoubleArray();
        double[] bias = input(node, in, 2, "B").toDoubleArray();
        double eps = node.attrFloat("epsilon", 1e-5f);
        long[] xs = x.shape();
        if (xs.length < 3) {
            throw new InvalidInputException(node + ": input must have rank >= 3, got " + Arrays.toString(xs));
        }
        int c = (int) xs[1];
        if (scale.length != c || bias.length != c) {
            throw new InvalidInputException(node + ": scale and B must have " + c + " elements, got " + scale.length
                    + " and " + bias.length);
        }
        int planes = (int) (xs[0] * c);
        int spatial = OpUtil.size(Arrays.copyOfRange(xs, 2, xs.length));
        double[] a = new double[planes];
        double[] b = new double[planes];
        double[] xv = x.toDoubleArray();
        ctx.parallelFor(planes, spatial * 3L, (s, e) -> {
            for (int p = s; p < e; p++) {
                double[] mv = meanVar(xv, p * spatial, spatial);
                double inv = 1 / Math.sqrt(mv[1] + eps);
                a[p] = scale[p % c] * inv;
                b[p] = bias[p % c] - mv[0] * a[p];
            }
        });
        return new Tensor[] {affinePerPlane(x, ctx, planes, spatial, planes, a, b)};
    }

    /** @return {mean, population variance} of {@code v[off .. off+n)}, two-pass for accuracy */
    static double[] meanVar(double[] v, int off, int n) {
        double sum = 0;
        for (int i = off; i < off + n; i++) {
            sum += v[i];
        }
        double mean = sum / n;
        double sq = 0;
        for (int i = off; i < off + n; i++) {
            double d = v[i] - mean;
            sq += d * d;
        }
        return new double[] {mean, sq / n};
    }

    /** LRN across channels: {@code y = x / (bias + alpha / size * sum(x^2 over the channel window))^beta}. */
    private static Tensor[] lrn(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = input(node, in, 0, "X");
        requireFloating(node, x, "X");
        long size = node.attrInt("size", 0);
        if (size < 1) {
            throw new InvalidInputException(node + ": attribute size must be positive, got " + size);
        }
        double alpha = node.attrFloat("alpha", 1e-4f);
        double beta = node.attrFloat("beta", 0.75f);
        double bias = node.attrFloat("bias", 1f);
        long[] xs = x.shape();
        if (xs.length < 2) {
            throw new InvalidInputException(node + ": X must have rank >= 2, got " + Arrays.toString(xs));
        }
        int n = (int) xs[0];
        int c = (int) xs[1];
        int spatial = OpUtil.size(Arrays.copyOfRange(xs, 2, xs.length));
        int before = (int) ((size - 1) / 2);
        int after = (int) ((size - 1) - before);
        double[] xv = x.toDoubleArray();
        double[] yv = new double[xv.length];
        ctx.parallelFor(n * c, spatial * (size + 4), (s, e) -> {
            for (int p = s; p < e; p++) {
                int b = p / c;
                int ch = p % c;
                int lo = Math.max(0, ch - before);
                int hi = Math.min(c - 1, ch + after);
                for (int i = 0; i < spatial; i++) {
                    double sq = 0;
                    for (int k = lo; k <= hi; k++) {
                        double v = xv[(b * c + k) * spatial + i];
                        sq += v * v;
                    }
                    int o = p * spatial + i;
                    yv[o] = xv[o] / Math.pow(bias + alpha / size * sq, beta);
                }
            }
        });
        Tensor y = ctx.allocate(x.dataType(), xs);
        PoolData.store(y, yv);
        return new Tensor[] {y};
    }

    /** LpNormalization: divides by the L1 or L2 norm along {@code axis}. */
    private static Tensor[] lpNorm(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = input(node, in, 0, "input");
        requireFloating(node, x, "input");
        long[] xs = x.shape();
        int axis = OpUtil.axis(node.attrInt("axis", -1), xs.length, node);
        long p = node.attrInt("p", 2);
        if (p != 1 && p != 2) {
            throw new InvalidInputException(node + ": p must be 1 or 2, got " + p);
        }
        int len = (int) xs[axis];
        int inner = OpUtil.size(Arrays.copyOfRange(xs, axis + 1, xs.length));
        int outer = OpUtil.size(Arrays.copyOfRange(xs, 0, axis));
        double[] xv = x.toDoubleArray();
        double[] yv = new double[xv.length];
        ctx.parallelFor(outer * inner, len * 3L, (s, e) -> {
            for (int q = s; q < e; q++) {
                int base = (q / inner) * len * inner + q % inner;
                double norm = 0;
                for (int k = 0; k < len; k++) {
                    double v = xv[base + k * inner];
                    norm += p == 1 ? Math.abs(v) : v * v;
                }
                if (p == 2) {
                    norm = Math.sqrt(norm);
                }
                for (int k = 0; k < len; k++) {
                    int i = base + k * inner;
                    yv[i] = norm == 0 ? 0 : xv[i] / norm;
                }
            }
        });
        Tensor y = ctx.allocate(x.dataType(), xs);
        PoolData.store(y, yv);
        return new Tensor[] {y};
    }
}
