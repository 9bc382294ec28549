package dev.clinfer.ops;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/**
 * Java CPU kernels: Gather, GatherElements, GatherND, OneHot here; the Scatter family lives in
 * {@link ScatterKernels} and NonMaxSuppression in {@link GatherScatterNms}. Every kernel copies
 * raw elements through {@link GatherCopy}, so all element types (strings included) work.
 */
public final class GatherScatterOps {
    private GatherScatterOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        r.register("Gather", GatherScatterOps::gather);
        r.register("GatherElements", GatherScatterOps::gatherElements);
        r.register("GatherND", GatherScatterOps::gatherNd);
        r.register("OneHot", GatherScatterOps::oneHot);
        r.register("Scatter", ScatterKernels::scatterElements);
        r.register("ScatterElements", ScatterKernels::scatterElements);
        r.register("ScatterND", ScatterKernels::scatterNd);
        r.register("NonMaxSuppression", GatherScatterNms::run);
    }

    private static Tensor required(Node node, Tensor[] in, int i, String what) {
        if (in.length <= i || in[i] == null) {
            throw new InvalidInputException(node + ": missing input " + i + " (" + what + ")");
        }
        return in[i];
    }

    /** Gather: out[o, j..., i] = data[o, indices[j...], i] along {@code axis}, copied as blocks. */
    static Tensor[] gather(Node node, Tensor[] in, ExecContext ctx) {
        Tensor data = required(node, in, 0, "data");
        Tensor indices = required(node, in, 1, "indices");
        long[] ds = data.shape();
        int r = ds.length;
        if (r == 0) {
            throw new InvalidInputException(node + ": data must have rank >= 1, got a scalar");
        }
        int axis = OpUtil.axis(node.attrInt("axis", 0), r, node);
        long[] is = indices.shape();
        long[] os = new long[r - 1 + is.length];
        System.arraycopy(ds, 0, os, 0, axis);
        System.arraycopy(is, 0, os, axis, is.length);
        System.arraycopy(ds, axis + 1, os, axis + is.length, r - axis - 1);
        long dim = ds[axis];
        long[] raw = indices.toLongArray();
        int[] idx = new int[raw.length];
        for (int j = 0; j < raw.length; j++) {
            idx[j] = GatherCopy.index(raw[j], dim, node, "indices");
        }
        int outer = GatherCopy.prod(ds, 0, axis);
        int inner = GatherCopy.prod(ds, axis + 1, r);
        Tensor out = ctx.allocate(data.dataType(), os);
        GatherCopy c = new GatherCopy(data, out);
        int n = idx.length;
        int d = (int) dim;
        ctx.parallelFor(outer * n, inner, (s, e) -> {
            for (int k = s; k < e; k++) {
                int o = k / n;
                int j = k - o * n;
                c.copy((o * d + idx[j]) * inner, k * inner, inner);
            }
        });
        return new Tensor[] {out};
    }

    /** GatherElements: out[p] = data[p with p[axis] replaced by indices[p]]. */
    static Tensor[] gatherElements(Node node, Tensor[] in, ExecContext ctx) {
        Tensor data = required(node, in, 0, "data");
        Tensor indices = required(node, in, 1, "indices");
        long[] ds = data.shape();
        long[] is = indices.shape();
        if (ds.length != is.length) {
            throw new InvalidInputException(node + ": indices rank " + is.length + " must equal data rank "
                    + ds.length + " (data " + Arrays.toString(ds) + ", indices " + Arrays.toString(is) + ")");
        }
        int r = ds.length;
        int axis = OpUtil.axis(node.attrInt("axis", 0), r, node);
        int[] dStr = OpUtil.strides(ds);
        long[] raw = indices.toLongArray();
        Tensor out = ctx.allocate(data.dataType(), is);
        GatherCopy c = new GatherCopy(data, out);
        int[] coord = new int[r];
        for (int i = 0; i < raw.length; i++) {
            int off = 0;
            for (int a = 0; a < r; a++) {
                off += (a == axis ? GatherCopy.index(raw[i], ds[axis], node, "indices") : coord[a]) * dStr[a];
            }
            c.copy(off, i, 1);
            for (int a = r - 1; a >= 0; a--) {
                if (++coord[a] < is[a]) {
                    break;
                }
                coord[a] = 0;
            }
        }
        return new Tensor[] {out};
    }

    /** GatherND with batch_dims: slices of data addressed by the last dim of indices. */
    static Tensor[] gatherNd(Node node, Tensor[] in, ExecContext ctx) {
        Tensor data = required(node, in, 0, "data");
        Tensor indices = required(node, in, 1, "indices");
        long[] ds = data.shape();
        long[] is = indices.shape();
        int b = (int) node.attrInt("batch_dims", 0);
        int r = ds.length;
        int q = is.length;
        if (q < 1 || b < 0 || b >= Math.min(r, q)) {
            throw new InvalidInputException(node + ": batch_dims " + b + " invalid for data " + Arrays.toString(ds)
                    + " and indices " + Arrays.toString(is));
        }
        int last = (int) is[q - 1];
        if (last < 1 || last > r - b) {
            throw new InvalidInputException(node + ": indices last dim " + last + " must be in [1, " + (r - b)
                    + "] for data " + Arrays.toString(ds) + " and batch_dims " + b);
        }
        for (int a = 0; a < b; a++) {
            if (ds[a] != is[a]) {
                throw new InvalidInputException(node + ": batch dim " + a + " differs: data " + Arrays.toString(ds)
                        + " vs indices " + Arrays.toString(is));
            }
        }
        long[] os = new long[q - 1 + r - b - last];
        System.arraycopy(is, 0, os, 0, q - 1);
        System.arraycopy(ds, b + last, os, q - 1, r - b - last);
        int batches = GatherCopy.prod(ds, 0, b);
        int perBatch = GatherCopy.prod(is, b, q - 1);
        int slice = GatherCopy.prod(ds, b + last, r);
        int batchStride = GatherCopy.prod(ds, b, r);
        int[] dStr = OpUtil.strides(ds);
        long[] raw = indices.toLongArray();
        Tensor out = ctx.allocate(data.dataType(), os);
        GatherCopy c = new GatherCopy(data, out);
        for (int bi = 0; bi < batches; bi++) {
            for (int j = 0; j < perBatch; j++) {
                int t = bi * perBatch + j;
                int off = bi * batchStride;
                for (int k = 0; k < last; k++) {
                    off += GatherCopy.index(raw[t * last + k], ds[b + k], node, "indices") * dStr[b + k];
                }
                c.copy(off, t * slice, slice);
            }
        }
        return new Tensor[] {out};
    }

    /** OneHot: a new axis of size depth holding values[1] where the index matches, else values[0]. */
    static Tensor[] oneHot(Node node, Tensor[] in, ExecContext ctx) {
        Tensor indices = required(node, in, 0, "indices");
        Tensor depthT = required(node, in, 1, "depth");
        Tensor values = required(node, in, 2, "values");
        if (depthT.size() != 1 || values.size() != 2) {
            throw new InvalidInputException(node + ": depth must hold 1 value and values 2, got " + depthT.size()
                    + " and " + values.size());
        }
        long depth = (long) depthT.getDouble(0);
        if (depth < 1) {
            throw new InvalidInputException(node + ": depth must be positive, got " + depth);
        }
        long[] is = indices.shape();
        int r = is.length;
        long ax = node.attrInt("axis", -1);
        if (ax < -r - 1 || ax > r) {
            throw new InvalidInputException(node + ": axis " + ax + " is out of range for output rank " + (r + 1));
        }
        int axis = (int) (ax < 0 ? ax + r + 1 : ax);
        long[] os = new long[r + 1];
        System.arraycopy(is, 0, os, 0, axis);
        os[axis] = depth;
        System.arraycopy(is, axis, os, axis + 1, r - axis);
        int outer = GatherCopy.prod(is, 0, axis);
        int inner = GatherCopy.prod(is, axis, r);
        int d = (int) depth;
        double[] idx = indices.toDoubleArray();
        Tensor out = ctx.allocate(values.dataType(), os);
        GatherCopy c = new GatherCopy(values, out);
        int total = outer * d * inner;
        for (int k = 0; k < total; k++) {
            c.copy(0, k, 1);
        }
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                long v = (long) idx[o * inner + i];
                if (v < 0) {
                    v += depth;
                }
                if (v >= 0 && v < depth) {
                    c.copy(1, (o * d + (int) v) * inner + i, 1);
                }
            }
        }
        return new Tensor[] {out};
    }
}
