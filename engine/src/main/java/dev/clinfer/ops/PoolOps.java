package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/**
 * Java CPU kernels: MaxPool (with the optional Indices output), AveragePool, LpPool, their
 * global forms, and MaxUnpool. The ROI pools live in {@link PoolRoi}.
 *
 * <p>Windowed pools build a {@link PoolWindows} gather table once per call and then reduce each
 * (N, C) plane independently, in parallel over N*C.
 */
public final class PoolOps {
    /** Floats a global pool reads per bulk copy (256 KB). */
    private static final int GLOBAL_CHUNK_FLOATS = 1 << 16;

    private PoolOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        r.register("MaxPool", PoolOps::maxPool);
        r.register("AveragePool", PoolOps::averagePool);
        r.register("LpPool", PoolOps::lpPool);
        r.register("GlobalAveragePool", (n, in, ctx) -> global(n, in, ctx, Kind.AVG, 0));
        r.register("GlobalMaxPool", (n, in, ctx) -> global(n, in, ctx, Kind.MAX, 0));
        r.register("GlobalLpPool", (n, in, ctx) -> global(n, in, ctx, Kind.LP, n.attrInt("p", 2)));
        r.register("MaxUnpool", PoolOps::maxUnpool);
        PoolRoi.register(r);
    }

    private enum Kind { MAX, AVG, LP }

    static Tensor input(Node node, Tensor[] in, int i, String name) {
        if (in.length <= i || in[i] == null) {
            throw new InvalidInputException(node + ": missing required input " + name);
        }
        return in[i];
    }

    private static void requireFloating(Node node, Tensor x) {
        if (!x.dataType().isFloatingPoint()) {
            throw new InvalidInputException(node + ": input X must be a floating-point tensor, got " + x.dataType());
        }
    }

    private static Tensor[] maxPool(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = input(node, in, 0, "X");
        DataType t = x.dataType();
        if (!t.isFloatingPoint() && t != DataType.INT8 && t != DataType.UINT8) {
            throw new InvalidInputException(node + ": MaxPool input X must be float or int8/uint8, got " + t);
        }
        long[] xs = x.shape();
        PoolGeometry g = PoolGeometry.of(node, xs);
        boolean wantIdx = node.outputs().size() > 1 && !node.outputs().get(1).isEmpty();
        if (!wantIdx && Pool2d.applies(x, g)) {
            Tensor y = ctx.allocateUninitialized(t, g.outputShape(xs[0], xs[1])); // writes every plane
            Pool2d.run(x, y, g, true, false, ctx);
            return new Tensor[] {y};
        }
        Tensor y = ctx.allocate(t, g.outputShape(xs[0], xs[1]));
        PoolWindows w = g.windows(false);
        int planes = Math.toIntExact(xs[0] * xs[1]);
        int inS = g.inSpatial();
        int outS = g.outSpatial();
        int[] arg = wantIdx ? new int[planes * outS] : null;
        int[] offs = w.offsets();
        int[] begin = w.begin();
        long cost = Math.max(1, offs.length);
        if (PoolData.isFloat(x)) {
            float[] xv = x.toFloatArray();
            float[] yv = new float[planes * outS];
            ctx.parallelFor(planes, cost, (s, e) -> {
                for (int p = s; p < e; p++) {
                    int ib = p * inS;
                    int ob = p * outS;
                    for (int o = 0; o < outS; o++) {
                        float m = Float.NEGATIVE_INFINITY;
                        int a = -1;
                        for (int j = begin[o]; j < begin[o + 1]; j++) {
                            float v = xv[ib + offs[j]];
                            if (v > m || a < 0) {
                                m = v;
                                a = offs[j];
                            }
                        }
                        yv[ob + o] = m;
                        if (arg != null) {
                            arg[ob + o] = a;
                        }
                    }
                }
            });
            PoolData.store(y, yv);
        } else {
            double[] xv = x.toDoubleArray();
            double[] yv = new double[planes * outS];
            ctx.parallelFor(planes, cost, (s, e) -> {
                for (int p = s; p < e; p++) {
                    int ib = p * inS;
                    int ob = p * outS;
                    for (int o = 0; o < outS; o++) {
                        double m = Double.NEGATIVE_INFINITY;
                        int a = -1;
                        for (int j = begin[o]; j < begin[o + 1]; j++) {
                            double v = xv[ib + offs[j]];
                            if (v > m || a < 0) {
                                m = v;
                                a = offs[j];
                            }
                        }
                        yv[ob + o] = m;
                        if (arg != null) {
                            arg[ob + o] = a;
                        }
                    }
                }
            });
            PoolData.store(y, yv);
        }
        if (!wantIdx) {
            return new Tensor[] {y};
        }
        return new Tensor[] {y, indices(node, g, ctx, y.shape(), arg, planes, inS, outS)};
    }

    /** The MaxPool Indices output: flat indices into X, row- or column-major over the spatial dims. */
    private static Tensor indices(Node node, PoolGeometry g, ExecContext ctx, long[] shape, int[] arg, int planes,
                                  int inS, int outS) {
        boolean colMajor = node.attrInt("storage_order", 0) != 0;
        int r = g.rank();
        int[] rowStr = OpUtil.strides(g.in);
        int[] colStr = new int[r];
        int acc = 1;
        for (int d = 0; d < r; d++) {
            colStr[d] = acc;
            acc *= (int) g.in[d];
        }
        Tensor idx = ctx.allocate(DataType.INT64, shape);
        java.nio.LongBuffer b = idx.longs();
        for (int p = 0; p < planes; p++) {
            for (int o = 0; o < outS; o++) {
                int a = arg[p * outS + o];
                long v;
                if (a < 0) {
                    v = -1;
                } else if (colMajor) {
                    long c = 0;
                    int rem = a;
                    for (int d = 0; d < r; d++) {
                        c += (long) (rem / rowStr[d]) * colStr[d];
                        rem %= rowStr[d];
                    }
                    v = (long) p * inS + c;
                } else {
                    v = (long) p * inS + a;
                }
                b.put(p * outS + o, v);
            }
        }
        return idx;
    }

    private static Tensor[] averagePool(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = input(node, in, 0, "X");
        requireFloating(node, x);
        boolean includePad = node.attrInt("count_include_pad", 0) != 0;
        return new Tensor[] {windowed(node, x, ctx, Kind.AVG, includePad, 0)};
    }

    private static Tensor[] lpPool(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = input(node, in, 0, "X");
        requireFloating(node, x);
        // LpPool-1 had a float p; later versions an int.
        double p = node.hasAttr("p") && node.attributes().get("p").type() == dev.clinfer.ir.Attribute.Type.FLOAT
                ? node.attrFloat("p", 2f) : node.attrInt("p", 2);
        return new Tensor[] {windowed(node, x, ctx, Kind.LP, false, p)};
    }

    /** Average or Lp pooling over the windows of {@code node}. */
    private static Tensor windowed(Node node, Tensor x, ExecContext ctx, Kind kind, boolean includePad, double p) {
        long[] xs = x.shape();
        PoolGeometry g = PoolGeometry.of(node, xs);
        if (kind == Kind.AVG && Pool2d.applies(x, g)) {
            Tensor y = ctx.allocateUninitialized(x.dataType(), g.outputShape(xs[0], xs[1])); // writes every plane
            Pool2d.run(x, y, g, false, includePad, ctx);
            return y;
        }
        Tensor y = ctx.allocate(x.dataType(), g.outputShape(xs[0], xs[1]));
        PoolWindows w = g.windows(includePad);
        int planes = Math.toIntExact(xs[0] * xs[1]);
        int inS = g.inSpatial();
        int outS = g.outSpatial();
        int[] offs = w.offsets();
        int[] begin = w.begin();
        float[] padCount = w.padCount();
        long cost = Math.max(1, offs.length);
        if (PoolData.isFloat(x) && kind == Kind.AVG) {
            float[] xv = x.toFloatArray();
            float[] yv = new float[planes * outS];
            ctx.parallelFor(planes, cost, (s, e) -> {
                for (int pl = s; pl < e; pl++) {
                    int ib = pl * inS;
                    int ob = pl * outS;
                    for (int o = 0; o < outS; o++) {
                        float sum = 0;
                        for (int j = begin[o]; j < begin[o + 1]; j++) {
                            sum += xv[ib + offs[j]];
                        }
                        float cnt = padCount != null ? padCount[o] : begin[o + 1] - begin[o];
                        yv[ob + o] = cnt > 0 ? sum / cnt : 0f;
                    }
                }
            });
            PoolData.store(y, yv);
            return y;
        }
        double[] xv = x.toDoubleArray();
        double[] yv = new double[planes * outS];
        ctx.parallelFor(planes, cost, (s, e) -> {
            for (int pl = s; pl < e; pl++) {
                int ib = pl * inS;
                int ob = pl * outS;
                for (int o = 0; o < outS; o++) {
                    double sum = 0;
                    for (int j = begin[o]; j < begin[o + 1]; j++) {
                        double v = xv[ib + offs[j]];
                        sum += kind == Kind.AVG ? v : lpTerm(v, p);
                    }
                    if (kind == Kind.AVG) {
                        double cnt = padCount != null ? padCount[o] : begin[o + 1] - begin[o];
                        yv[ob + o] = cnt > 0 ? sum / cnt : 0;
                    } else {
                        yv[ob + o] = lpRoot(sum, p);
                    }
                }
            }
        });
        PoolData.store(y, yv);
        return y;
    }

    private static double lpTerm(double v, double p) {
        return p == 2 ? v * v : p == 1 ? Math.abs(v) : Math.pow(Math.abs(v), p);
    }

    private static double lpRoot(double sum, double p) {
        return p == 2 ? Math.sqrt(sum) : p == 1 ? sum : Math.pow(sum, 1 / p);
    }

    /** GlobalAveragePool, GlobalMaxPool and GlobalLpPool: one value per (N, C) plane. */
    private static Tensor[] global(Node node, Tensor[] in, ExecContext ctx, Kind kind, double p) {
        Tensor x = input(node, in, 0, "X");
        requireFloating(node, x);
        long[] xs = x.shape();
        if (xs.length < 2) {
            throw new InvalidInputException(node + ": input X must have rank >= 2, got " + Arrays.toString(xs));
        }
        int planes = Math.toIntExact(xs[0] * xs[1]);
        int inS = OpUtil.size(Arrays.copyOfRange(xs, 2, xs.length));
        long[] ys = xs.clone();
        for (int d = 2; d < ys.length; d++) {
            ys[d] = 1;
        }
        Tensor y = ctx.allocate(x.dataType(), ys);
        if (PoolData.isFloat(x)) {
            java.nio.FloatBuffer xb = x.floats();
            float[] yv = new float[planes];
            ctx.parallelFor(planes, Math.max(1, inS), (s, e) -> {
                // One bulk read for many small planes (a read per plane cost more than the sums for
                // MobileNet's 1280 planes of 49), in chunks so a large input is not copied whole.
                int chunk = Math.max(1, Math.min(e - s, GLOBAL_CHUNK_FLOATS / Math.max(1, inS)));
                float[] rows = new float[chunk * inS];
                for (int c0 = s; c0 < e; c0 += chunk) {
                    int c1 = Math.min(e, c0 + chunk);
                    xb.get(c0 * inS, rows, 0, (c1 - c0) * inS);
                    for (int pl = c0; pl < c1; pl++) {
                        yv[pl] = (float) reduce(rows, (pl - c0) * inS, inS, kind, p);
                    }
                }
            });
            PoolData.store(y, yv);
        } else {
            double[] xv = x.toDoubleArray();
            double[] yv = new double[planes];
            ctx.parallelFor(planes, Math.max(1, inS), (s, e) -> {
                for (int pl = s; pl < e; pl++) {
                    double acc = kind == Kind.MAX ? Double.NEGATIVE_INFINITY : 0;
                    for (int i = pl * inS, end = i + inS; i < end; i++) {
                        double v = xv[i];
                        acc = kind == Kind.MAX ? Math.max(acc, v) : kind == Kind.AVG ? acc + v : acc + lpTerm(v, p);
                    }
                    yv[pl] = kind == Kind.MAX ? acc : kind == Kind.AVG ? acc / inS : lpRoot(acc, p);
                }
            });
            PoolData.store(y, yv);
        }
        return new Tensor[] {y};
    }

    private static double reduce(float[] row, int off, int n, Kind kind, double p) {
        switch (kind) {
            case MAX: {
                float m = Float.NEGATIVE_INFINITY;
                for (int i = off; i < off + n; i++) {
                    m = Math.max(m, row[i]);
                }
                return m;
            }
            case AVG: {
                // Four partial sums: faster, and a little more accurate than one running float.
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                int i = off;
                for (; i + 3 < off + n; i += 4) {
                    s0 += row[i];
                    s1 += row[i + 1];
                    s2 += row[i + 2];
                    s3 += row[i + 3];
                }
                for (; i < off + n; i++) {
                    s0 += row[i];
                }
                return (s0 + s1 + s2 + s3) / n;
            }
            default: {
                double s = 0;
                for (int i = off; i < off + n; i++) {
                    s += lpTerm(row[i], p);
                }
                return lpRoot(s, p);
            }
        }
    }

    /** MaxUnpool: scatters X into a zero tensor at the flat positions given by I. */
    private static Tensor[] maxUnpool(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = input(node, in, 0, "X");
        Tensor idx = input(node, in, 1, "I");
        Tensor outShapeT = in.length > 2 ? in[2] : null;
        long[] xs = x.shape();
        if (!Arrays.equals(xs, idx.shape())) {
            throw new InvalidInputException(node + ": X " + Arrays.toString(xs) + " and I " + Arrays.toString(idx.shape())
                    + " must have the same shape");
        }
        int r = xs.length - 2;
        long[] kernel = node.attrInts("kernel_shape", null);
        if (kernel == null || kernel.length != r) {
            throw new InvalidInputException(node + ": kernel_shape must have " + r + " entries");
        }
        long[] strides = node.attrInts("strides", null);
        long[] pads = node.attrInts("pads", new long[2 * r]);
        long[] inferred = xs.clone();
        for (int d = 0; d < r; d++) {
            long s = strides == null ? 1 : strides[d];
            inferred[d + 2] = (xs[d + 2] - 1) * s + kernel[d] - pads[d] - pads[d + r];
        }
        // Indices address the inferred (un-pooled) shape; output_shape only pads it at the end.
        Tensor scattered = ctx.allocate(x.dataType(), inferred);
        long total = scattered.size();
        int n = x.numel();
        for (int i = 0; i < n; i++) {
            long j = idx.getLong(i);
            if (j < 0 || j >= total) {
                throw new InvalidInputException(node + ": index " + j + " in I is outside the output of "
                        + total + " elements " + Arrays.toString(inferred));
            }
            scattered.setDouble((int) j, x.getDouble(i));
        }
        if (outShapeT == null) {
            return new Tensor[] {scattered};
        }
        long[] ys = outShapeT.toLongArray();
        if (ys.length != xs.length) {
            throw new InvalidInputException(node + ": output_shape " + Arrays.toString(ys) + " must have rank " + xs.length);
        }
        if (Arrays.equals(ys, inferred)) {
            return new Tensor[] {scattered};
        }
        Tensor y = ctx.allocate(x.dataType(), ys);
        int[] dstStr = OpUtil.strides(ys);
        int m = scattered.numel();
        int[] pos = new int[inferred.length];
        for (int i = 0; i < m; i++, PoolGeometry.advance(pos, inferred)) {
            int dst = 0;
            boolean inside = true;
            for (int d = 0; d < pos.length; d++) {
                inside &= pos[d] < ys[d];
                dst += pos[d] * dstStr[d];
            }
            if (inside) {
                y.setDouble(dst, scattered.getDouble(i));
            }
        }
        return new Tensor[] {y};
    }
}
