package dev.clinfer.ops;

/**
 * The building blocks of Einsum on dense double arrays labelled per axis: strided copies
 * (transpose, diagonal, broadcast), summing labels out, and the pairwise contraction that maps
 * onto a batched matrix product {@code [batch, m, k] x [batch, k, n]}.
 */
final class EinsumKernel {
    private EinsumKernel() {
    }

    /** A dense row-major operand whose axes carry labels. */
    static final class Operand {
        final double[] data;
        final int[] labels;
        final int[] dims;

        Operand(double[] data, int[] labels, int[] dims) {
            this.data = data;
            this.labels = labels;
            this.dims = dims;
        }

        int axisOf(int label) {
            for (int a = 0; a < labels.length; a++) {
                if (labels[a] == label) {
                    return a;
                }
            }
            return -1;
        }

        boolean has(int label) {
            return axisOf(label) >= 0;
        }

        int[] strides() {
            int[] s = new int[dims.length];
            int acc = 1;
            for (int a = dims.length - 1; a >= 0; a--) {
                s[a] = acc;
                acc *= dims[a];
            }
            return s;
        }
    }

    /** Copies the strided view {@code (dims, strides)} of {@code src} into a new dense array. */
    static double[] gather(double[] src, int[] dims, int[] strides) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        double[] out = new double[n];
        if (n == 0) {
            return out;
        }
        int r = dims.length;
        int[] coord = new int[r];
        int off = 0;
        int lastDim = r == 0 ? 1 : dims[r - 1];
        int lastStr = r == 0 ? 0 : strides[r - 1];
        for (int i = 0; i < n; i += lastDim) {
            for (int j = 0, p = off; j < lastDim; j++, p += lastStr) {
                out[i + j] = src[p];
            }
            for (int a = r - 2; a >= 0; a--) {
                coord[a]++;
                off += strides[a];
                if (coord[a] < dims[a]) {
                    break;
                }
                off -= strides[a] * coord[a];
                coord[a] = 0;
            }
        }
        return out;
    }

    /** Takes the diagonal of every label that repeats on one operand, leaving each label once. */
    static Operand diagonal(Operand x) {
        int[] str = x.strides();
        int[] labels = new int[x.labels.length];
        int[] dims = new int[labels.length];
        int[] strides = new int[labels.length];
        int n = 0;
        for (int a = 0; a < x.labels.length; a++) {
            int first = -1;
            for (int b = 0; b < n; b++) {
                if (labels[b] == x.labels[a]) {
                    first = b;
                }
            }
            if (first >= 0) {
                strides[first] += str[a];
            } else {
                labels[n] = x.labels[a];
                dims[n] = x.dims[a];
                strides[n++] = str[a];
            }
        }
        if (n == labels.length) {
            return x;
        }
        int[] l = java.util.Arrays.copyOf(labels, n);
        int[] d = java.util.Arrays.copyOf(dims, n);
        return new Operand(gather(x.data, d, java.util.Arrays.copyOf(strides, n)), l, d);
    }

    /** Broadcasts size-1 axes whose label is larger elsewhere (ellipsis broadcasting). */
    static Operand expand(Operand x, int[] sizes) {
        boolean need = false;
        for (int a = 0; a < x.dims.length; a++) {
            need |= x.dims[a] != sizes[x.labels[a]];
        }
        if (!need) {
            return x;
        }
        int[] str = x.strides();
        int[] dims = new int[x.dims.length];
        for (int a = 0; a < dims.length; a++) {
            dims[a] = sizes[x.labels[a]];
            if (x.dims[a] != dims[a]) {
                str[a] = 0;
            }
        }
        return new Operand(gather(x.data, dims, str), x.labels, dims);
    }

    /** Reorders axes to the given label order (which must be a permutation of x's labels). */
    static Operand permute(Operand x, int[] order) {
        if (java.util.Arrays.equals(order, x.labels)) {
            return x;
        }
        int[] str = x.strides();
        int[] dims = new int[order.length];
        int[] s = new int[order.length];
        for (int a = 0; a < order.length; a++) {
            int src = x.axisOf(order[a]);
            dims[a] = x.dims[src];
            s[a] = str[src];
        }
        return new Operand(gather(x.data, dims, s), order.clone(), dims);
    }

    /** Sums out every label of x for which {@code keep} is false. */
    static Operand sumOut(Operand x, boolean[] keep) {
        int nk = 0;
        for (int l : x.labels) {
            if (keep[l]) {
                nk++;
            }
        }
        if (nk == x.labels.length) {
            return x;
        }
        int[] order = new int[x.labels.length];
        int[] kept = new int[nk];
        int[] keptDims = new int[nk];
        int i = 0;
        int j = nk;
        int rows = 1;
        int cols = 1;
        for (int a = 0; a < x.labels.length; a++) {
            if (keep[x.labels[a]]) {
                keptDims[i] = x.dims[a];
                kept[i] = x.labels[a];
                order[i++] = x.labels[a];
                rows *= x.dims[a];
            } else {
                order[j++] = x.labels[a];
                cols *= x.dims[a];
            }
        }
        double[] p = permute(x, order).data;
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0, off = r * cols; c < cols; c++) {
                s += p[off + c];
            }
            out[r] = s;
        }
        return new Operand(out, kept, keptDims);
    }

    /**
     * Contracts two operands, keeping the labels {@code keep} marks and summing all others.
     * The result's axes are: shared kept labels, then a's own, then b's own.
     */
    static Operand contract(Operand a, Operand b, boolean[] keep, ExecContext ctx) {
        boolean[] keepA = new boolean[keep.length];
        boolean[] keepB = new boolean[keep.length];
        for (int l : a.labels) {
            keepA[l] = keep[l] || b.has(l);
        }
        for (int l : b.labels) {
            keepB[l] = keep[l] || a.has(l);
        }
        a = sumOut(a, keepA);
        b = sumOut(b, keepB);
        int[] batch = new int[a.labels.length];
        int[] contracted = new int[a.labels.length];
        int[] freeA = new int[a.labels.length];
        int[] freeB = new int[b.labels.length];
        int nb = 0;
        int nc = 0;
        int na = 0;
        int nf = 0;
        int bsz = 1;
        int m = 1;
        int k = 1;
        int n = 1;
        for (int i = 0; i < a.labels.length; i++) {
            int l = a.labels[i];
            if (b.has(l)) {
                if (keep[l]) {
                    batch[nb++] = l;
                    bsz *= a.dims[i];
                } else {
                    contracted[nc++] = l;
                    k *= a.dims[i];
                }
            } else {
                freeA[na++] = l;
                m *= a.dims[i];
            }
        }
        for (int i = 0; i < b.labels.length; i++) {
            if (!a.has(b.labels[i])) {
                freeB[nf++] = b.labels[i];
                n *= b.dims[i];
            }
        }
        double[] pa = permute(a, concat(batch, nb, freeA, na, contracted, nc)).data;
        double[] pb = permute(b, concat(batch, nb, contracted, nc, freeB, nf)).data;
        double[] c = new double[bsz * m * n];
        int mm = m;
        int kk = k;
        int nn = n;
        ctx.parallelFor(bsz * m, (long) k * n, (s, e) -> {
            for (int row = s; row < e; row++) {
                int bi = row / mm;
                int aOff = row * kk;
                int bOff = bi * kk * nn;
                int cOff = row * nn;
                for (int p = 0; p < kk; p++) {
                    double av = pa[aOff + p];
                    int bRow = bOff + p * nn;
                    for (int j = 0; j < nn; j++) {
                        c[cOff + j] += av * pb[bRow + j];
                    }
                }
            }
        });
        int[] labels = concat(batch, nb, freeA, na, freeB, nf);
        int[] dims = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            int ax = a.axisOf(labels[i]);
            dims[i] = ax >= 0 ? a.dims[ax] : b.dims[b.axisOf(labels[i])];
        }
        return new Operand(c, labels, dims);
    }

    private static int[] concat(int[] x, int nx, int[] y, int ny, int[] z, int nz) {
        int[] out = new int[nx + ny + nz];
        System.arraycopy(x, 0, out, 0, nx);
        System.arraycopy(y, 0, out, nx, ny);
        System.arraycopy(z, 0, out, nx + ny, nz);
        return out;
    }
}
