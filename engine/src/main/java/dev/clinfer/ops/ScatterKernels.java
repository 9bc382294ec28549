package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.api.UnsupportedOperatorException;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/**
 * Scatter, ScatterElements and ScatterND: copy {@code data}, then write (or combine, with the
 * {@code reduction} attribute) the updates at the indexed positions, in index order.
 */
final class ScatterKernels {
    private ScatterKernels() {
    }

    /** How an update combines with the element already there. */
    private enum Reduction { NONE, ADD, MUL, MAX, MIN }

    private static Reduction reduction(Node node) {
        String s = node.attrString("reduction", "none");
        switch (s) {
            case "none": return Reduction.NONE;
            case "add": return Reduction.ADD;
            case "mul": return Reduction.MUL;
            case "max": return Reduction.MAX;
            case "min": return Reduction.MIN;
            default:
                throw new UnsupportedOperatorException(node + ": reduction '" + s + "' is not supported");
        }
    }

    /** Applies one update element {@code src[si]} to {@code out[di]}. */
    private static final class Writer {
        private final Reduction red;
        private final Tensor out;
        private final Tensor upd;
        private final GatherCopy copy;
        private final boolean integral;

        Writer(Reduction red, Tensor out, Tensor upd) {
            this.red = red;
            this.out = out;
            this.upd = upd;
            this.copy = new GatherCopy(upd, out);
            DataType t = out.dataType();
            this.integral = t.isInteger() || t == DataType.BOOL;
        }

        void apply(int si, int di, int count) {
            if (red == Reduction.NONE) {
                copy.copy(si, di, count);
                return;
            }
            for (int k = 0; k < count; k++) {
                if (integral) {
                    long a = out.getLong(di + k);
                    long b = upd.getLong(si + k);
                    out.setLong(di + k, red == Reduction.ADD ? a + b : red == Reduction.MUL ? a * b
                            : red == Reduction.MAX ? Math.max(a, b) : Math.min(a, b));
                } else {
                    double a = out.getDouble(di + k);
                    double b = upd.getDouble(si + k);
                    out.setDouble(di + k, red == Reduction.ADD ? a + b : red == Reduction.MUL ? a * b
                            : red == Reduction.MAX ? Math.max(a, b) : Math.min(a, b));
                }
            }
        }
    }

    private static void checkTypes(Node node, Tensor data, Tensor updates) {
        if (data.dataType() != updates.dataType()) {
            throw new InvalidInputException(node + ": updates are " + updates.dataType() + " but data is "
                    + data.dataType());
        }
    }

    /** ScatterElements (and the deprecated Scatter): out[p with p[axis] = indices[p]] = updates[p]. */
    static Tensor[] scatterElements(Node node, Tensor[] in, ExecContext ctx) {
        if (in.length < 3 || in[0] == null || in[1] == null || in[2] == null) {
            throw new InvalidInputException(node + ": needs data, indices and updates");
        }
        Tensor data = in[0];
        Tensor indices = in[1];
        Tensor updates = in[2];
        checkTypes(node, data, updates);
        long[] ds = data.shape();
        long[] is = indices.shape();
        if (!Arrays.equals(is, updates.shape()) || is.length != ds.length) {
            throw new InvalidInputException(node + ": indices " + Arrays.toString(is) + " and updates "
                    + Arrays.toString(updates.shape()) + " must have the same shape, of the rank of data "
                    + Arrays.toString(ds));
        }
        int r = ds.length;
        int axis = OpUtil.axis(node.attrInt("axis", 0), r, node);
        int[] dStr = OpUtil.strides(ds);
        long[] raw = indices.toLongArray();
        Tensor out = GatherCopy.copyOf(data, ctx);
        Writer w = new Writer(reduction(node), out, updates);
        int[] coord = new int[r];
        for (int i = 0; i < raw.length; i++) {
            int off = 0;
            for (int a = 0; a < r; a++) {
                off += (a == axis ? GatherCopy.index(raw[i], ds[axis], node, "indices") : coord[a]) * dStr[a];
            }
            w.apply(i, off, 1);
            for (int a = r - 1; a >= 0; a--) {
                if (++coord[a] < is[a]) {
                    break;
                }
                coord[a] = 0;
            }
        }
        return new Tensor[] {out};
    }

    /** ScatterND: slices of data addressed by the last dim of indices are replaced by updates. */
    static Tensor[] scatterNd(Node node, Tensor[] in, ExecContext ctx) {
        if (in.length < 3 || in[0] == null || in[1] == null || in[2] == null) {
            throw new InvalidInputException(node + ": needs data, indices and updates");
        }
        Tensor data = in[0];
        Tensor indices = in[1];
        Tensor updates = in[2];
        checkTypes(node, data, updates);
        long[] ds = data.shape();
        long[] is = indices.shape();
        int r = ds.length;
        int q = is.length;
        int k = q == 0 ? 0 : (int) is[q - 1];
        if (q < 1 || k > r) {
            throw new InvalidInputException(node + ": indices " + Arrays.toString(is) + " do not address data "
                    + Arrays.toString(ds));
        }
        long[] want = new long[q - 1 + r - k];
        System.arraycopy(is, 0, want, 0, q - 1);
        System.arraycopy(ds, k, want, q - 1, r - k);
        if (!Arrays.equals(want, updates.shape())) {
            throw new InvalidInputException(node + ": updates shape " + Arrays.toString(updates.shape())
                    + ", expected " + Arrays.toString(want));
        }
        int n = GatherCopy.prod(is, 0, q - 1);
        int slice = GatherCopy.prod(ds, k, r);
        int[] dStr = OpUtil.strides(ds);
        long[] raw = indices.toLongArray();
        Tensor out = GatherCopy.copyOf(data, ctx);
        Writer w = new Writer(reduction(node), out, updates);
        for (int j = 0; j < n; j++) {
            int off = 0;
            for (int a = 0; a < k; a++) {
                off += GatherCopy.index(raw[j * k + a], ds[a], node, "indices") * dStr[a];
            }
            w.apply(j * slice, off, slice);
        }
        return new Tensor[] {out};
    }
}
