package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.cpu.GemmKernel;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/**
 * Java CPU kernels for the normalisations that standardise groups of elements:
 * LayerNormalization, GroupNormalization and MeanVarianceNormalization.
 */
final class NormLayer {
    private NormLayer() {
    }

    static void register(OpRegistry r) {
        r.register("LayerNormalization", NormLayer::layerNorm);
        r.register("GroupNormalization", NormLayer::groupNorm);
        r.register("MeanVarianceNormalization", NormLayer::mvn);
    }

    /**
     * Per-column index of a scale/bias tensor that broadcasts to {@code cols} trailing elements, or
     * null when it already has exactly that many.
     */
    private static int[] paramIndex(Node node, Tensor p, long[] normShape, String name) {
        if (p == null) {
            return null;
        }
        long[] ps = p.shape();
        if (p.size() == OpUtil.size(normShape) && ps.length <= normShape.length) {
            return null;
        }
        long[] b = OpUtil.broadcastShape(node, ps, normShape);
        if (!Arrays.equals(b, normShape)) {
            throw new InvalidInputException(node + ": " + name + " " + Arrays.toString(ps)
                    + " does not broadcast to the normalised shape " + Arrays.toString(normShape));
        }
        return OpUtil.broadcastIndex(ps, normShape);
    }

    /** LayerNormalization (opset 17): standardises over dims {@code [axis, rank)}; optional Mean and InvStdDev. */
    private static Tensor[] layerNorm(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = NormalizationOps.input(node, in, 0, "X");
        NormalizationOps.requireFloating(node, x, "X");
        Tensor scaleT = NormalizationOps.input(node, in, 1, "Scale");
        Tensor biasT = in.length > 2 ? in[2] : null;
        long[] xs = x.shape();
        int axis = OpUtil.axis(node.attrInt("axis", -1), xs.length, node);
        double eps = node.attrFloat("epsilon", 1e-5f);
        long[] normShape = Arrays.copyOfRange(xs, axis, xs.length);
        int cols = OpUtil.size(normShape);
        int rows = OpUtil.size(Arrays.copyOfRange(xs, 0, axis));
        int[] si = paramIndex(node, scaleT, normShape, "Scale");
        int[] bi = paramIndex(node, biasT, normShape, "B");
        double[] scale = scaleT.toDoubleArray();
        double[] bias = biasT == null ? null : biasT.toDoubleArray();
        double[] mean = new double[rows];
        double[] inv = new double[rows];
        Tensor y = ctx.allocate(x.dataType(), xs);
        boolean f32 = PoolData.isFloat(x);
        java.nio.FloatBuffer xb = f32 ? x.floats() : null;
        java.nio.FloatBuffer yb = f32 ? y.floats() : null;
        double[] xv = f32 ? null : x.toDoubleArray();
        double[] yv = f32 ? null : new double[xv.length];
        if (f32 && si == null && bi == null && GemmKernel.VECTOR && scaleT.dataType() == DataType.FLOAT
                && (biasT == null || biasT.dataType() == DataType.FLOAT)) {
            layerNormVector(x, y, rows, cols, scaleT.toFloatArray(), biasT == null ? null : biasT.toFloatArray(),
                    eps, mean, inv, ctx);
        } else {
            ctx.parallelFor(rows, cols * 6L, (s, e) -> {
                double[] row = new double[cols];
                float[] frow = f32 ? new float[cols] : null;
                java.nio.FloatBuffer xr = f32 ? xb.duplicate() : null;
                java.nio.FloatBuffer yr = f32 ? yb.duplicate() : null;
                for (int r = s; r < e; r++) {
                    if (f32) {
                        xr.get(r * cols, frow);
                        for (int i = 0; i < cols; i++) {
                            row[i] = frow[i];
                        }
                    } else {
                        System.arraycopy(xv, r * cols, row, 0, cols);
                    }
                    double[] mv = NormalizationOps.meanVar(row, 0, cols);
                    double is = 1 / Math.sqrt(mv[1] + eps);
                    mean[r] = mv[0];
                    inv[r] = is;
                    for (int i = 0; i < cols; i++) {
                        double v = (row[i] - mv[0]) * is * scale[si == null ? i : si[i]];
                        if (bias != null) {
                            v += bias[bi == null ? i : bi[i]];
                        }
                        row[i] = v;
                    }
                    if (f32) {
                        for (int i = 0; i < cols; i++) {
                            frow[i] = (float) row[i];
                        }
                        yr.put(r * cols, frow);
                    } else {
                        System.arraycopy(row, 0, yv, r * cols, cols);
                    }
                }
            });
        }
        if (!f32) {
            PoolData.store(y, yv);
        }
        long[] statShape = xs.clone();
        for (int d = axis; d < statShape.length; d++) {
            statShape[d] = 1;
        }
        DataType st = node.attrInt("stash_type", 1) == DataType.DOUBLE.onnxCode() ? DataType.DOUBLE : DataType.FLOAT;
        Tensor meanT = ctx.allocate(st, statShape);
        PoolData.store(meanT, mean);
        Tensor invT = ctx.allocate(st, statShape);
        PoolData.store(invT, inv);
        return new Tensor[] {y, meanT, invT};
    }

    /** Float32 rows with one scale (and bias) element per column, on the Vector API. */
    private static void layerNormVector(Tensor x, Tensor y, int rows, int cols, float[] scale, float[] bias,
                                        double eps, double[] mean, double[] inv, ExecContext ctx) {
        java.nio.FloatBuffer xb = x.floats();
        java.nio.FloatBuffer yb = y.floats();
        ctx.parallelFor(rows, cols * 4L, (s, e) -> {
            float[] row = new float[cols];
            double[] stats = new double[2];
            for (int r = s; r < e; r++) {
                xb.get(r * cols, row);
                LayerNormVector.row(row, row, cols, scale, bias, eps, stats);
                mean[r] = stats[0];
                inv[r] = stats[1];
                yb.put(r * cols, row);
            }
        });
    }

    /**
     * GroupNormalization (opset 18/21): standardises each group of {@code C / num_groups}
     * channels, then applies a per-channel (or, in opset 18, per-group) scale and bias.
     */
    private static Tensor[] groupNorm(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = NormalizationOps.input(node, in, 0, "X");
        NormalizationOps.requireFloating(node, x, "X");
        double[] scale = NormalizationOps.input(node, in, 1, "scale").toDoubleArray();
        double[] bias = NormalizationOps.input(node, in, 2, "bias").toDoubleArray();
        long[] xs = x.shape();
        if (xs.length < 2) {
            throw new InvalidInputException(node + ": X must have rank >= 2, got " + Arrays.toString(xs));
        }
        long groups = node.attrInt("num_groups", 0);
        int c = (int) xs[1];
        if (groups < 1 || c % groups != 0) {
            throw new InvalidInputException(node + ": num_groups " + groups + " must divide the " + c + " channels");
        }
        int g = (int) groups;
        boolean perGroup = scale.length == g && g != c;
        if ((scale.length != c && !perGroup) || bias.length != scale.length) {
            throw new InvalidInputException(node + ": scale and bias must have " + c + " (or " + g + ") elements, got "
                    + scale.length + " and " + bias.length);
        }
        double eps = node.attrFloat("epsilon", 1e-5f);
        int spatial = OpUtil.size(Arrays.copyOfRange(xs, 2, xs.length));
        int perG = c / g;
        int len = perG * spatial;
        double[] xv = x.toDoubleArray();
        double[] yv = new double[xv.length];
        int units = (int) xs[0] * g;
        ctx.parallelFor(units, len * 4L, (s, e) -> {
            for (int u = s; u < e; u++) {
                int off = u * len;
                double[] mv = NormalizationOps.meanVar(xv, off, len);
                double is = 1 / Math.sqrt(mv[1] + eps);
                int grp = u % g;
                for (int k = 0; k < perG; k++) {
                    int ch = grp * perG + k;
                    double sc = perGroup ? scale[grp] : scale[ch];
                    double bs = perGroup ? bias[grp] : bias[ch];
                    for (int i = off + k * spatial, end = i + spatial; i < end; i++) {
                        yv[i] = (xv[i] - mv[0]) * is * sc + bs;
                    }
                }
            }
        });
        Tensor y = ctx.allocate(x.dataType(), xs);
        PoolData.store(y, yv);
        return new Tensor[] {y};
    }

    /** MeanVarianceNormalization: {@code (x - mean) / (sqrt(var) + 1e-9)} over {@code axes}. */
    private static Tensor[] mvn(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = NormalizationOps.input(node, in, 0, "X");
        NormalizationOps.requireFloating(node, x, "X");
        long[] xs = x.shape();
        long[] axes = node.attrInts("axes", new long[] {0, 2, 3});
        long[] kept = xs.clone();
        for (long a : axes) {
            kept[OpUtil.axis(a, xs.length, node)] = 1;
        }
        int[] map = OpUtil.broadcastIndex(kept, xs);
        int groups = OpUtil.size(kept);
        double[] xv = x.toDoubleArray();
        double[] sum = new double[groups];
        int[] cnt = new int[groups];
        for (int i = 0; i < xv.length; i++) {
            sum[map[i]] += xv[i];
            cnt[map[i]]++;
        }
        for (int k = 0; k < groups; k++) {
            sum[k] /= Math.max(cnt[k], 1);
        }
        double[] sq = new double[groups];
        for (int i = 0; i < xv.length; i++) {
            double d = xv[i] - sum[map[i]];
            sq[map[i]] += d * d;
        }
        for (int k = 0; k < groups; k++) {
            sq[k] = Math.sqrt(sq[k] / Math.max(cnt[k], 1)) + 1e-9;
        }
        double[] yv = new double[xv.length];
        for (int i = 0; i < xv.length; i++) {
            yv[i] = (xv[i] - sum[map[i]]) / sq[map[i]];
        }
        Tensor y = ctx.allocate(x.dataType(), xs);
        PoolData.store(y, yv);
        return new Tensor[] {y};
    }
}
