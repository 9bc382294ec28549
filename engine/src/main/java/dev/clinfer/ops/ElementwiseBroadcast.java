package dev.clinfer.ops;

import dev.clinfer.ir.Node;

import java.util.ArrayList;
import java.util.List;

/**
 * An iteration plan for an elementwise op over numpy-broadcast inputs. Adjacent dims that every
 * input walks the same way (all contiguous, or all broadcast) are merged, so that the innermost
 * loop is as long as possible; kernels then see the output as runs of contiguous elements where
 * each input either advances by its inner stride or stays put (stride 0).
 */
public final class ElementwiseBroadcast {
    /** A run of {@code len} consecutive output elements. */
    @FunctionalInterface
    public interface Segment {
        /**
         * @param out  flat output offset of the run's first element
         * @param offs flat offset of the run's first element in each input (do not keep)
         * @param len  run length
         */
        void run(int out, int[] offs, int len);
    }

    private final long[] outShape;
    private final int size;
    private final int[] dims;
    private final int[][] strides;
    private final int[] inner;

    private ElementwiseBroadcast(long[] outShape, int[] dims, int[][] strides) {
        this.outShape = outShape;
        this.size = OpUtil.size(outShape);
        this.dims = dims;
        this.strides = strides;
        int last = dims.length - 1;
        this.inner = new int[strides.length];
        for (int k = 0; k < strides.length; k++) {
            inner[k] = strides[k][last];
        }
    }

    /**
     * Plans the broadcast of {@code inputs} to their common shape.
     *
     * @param node   for error messages
     * @param inputs input shapes
     * @return the plan
     */
    public static ElementwiseBroadcast of(Node node, long[]... inputs) {
        return to(OpUtil.broadcastShape(node, inputs), inputs);
    }

    /**
     * Plans the broadcast of {@code inputs} to a known output shape.
     *
     * @param out    output shape (each input must broadcast to it)
     * @param inputs input shapes
     * @return the plan
     */
    public static ElementwiseBroadcast to(long[] out, long[]... inputs) {
        int k = inputs.length;
        List<Integer> d = new ArrayList<>();
        List<int[]> s = new ArrayList<>();
        int[][] full = new int[k][];
        for (int i = 0; i < k; i++) {
            full[i] = OpUtil.broadcastStrides(inputs[i], out);
        }
        // Walk from the innermost dim outwards, dropping size-1 dims and merging compatible ones.
        for (int o = out.length - 1; o >= 0; o--) {
            int dim = (int) out[o];
            if (dim == 1) {
                continue;
            }
            int[] st = new int[k];
            for (int i = 0; i < k; i++) {
                st[i] = full[i][o];
            }
            if (!d.isEmpty()) {
                int prevDim = d.get(d.size() - 1);
                int[] prev = s.get(s.size() - 1);
                boolean merge = true;
                for (int i = 0; i < k && merge; i++) {
                    merge = st[i] == prev[i] * prevDim;
                }
                if (merge) {
                    d.set(d.size() - 1, prevDim * dim);
                    continue;
                }
            }
            d.add(dim);
            s.add(st);
        }
        if (d.isEmpty() || OpUtil.size(out) == 0) {
            d.clear();
            s.clear();
            d.add(OpUtil.size(out));
            s.add(new int[k]);
        }
        int r = d.size();
        int[] dims = new int[r];
        int[][] strides = new int[k][r];
        for (int j = 0; j < r; j++) {
            dims[j] = d.get(r - 1 - j);
            for (int i = 0; i < k; i++) {
                strides[i][j] = s.get(r - 1 - j)[i];
            }
        }
        return new ElementwiseBroadcast(out.clone(), dims, strides);
    }

    /** @return the output shape */
    public long[] shape() {
        return outShape.clone();
    }

    /** @return the number of output elements */
    public int size() {
        return size;
    }

    /** @param input input number @return how far that input advances per output element of a run (0 or its stride) */
    public int innerStride(int input) {
        return inner[input];
    }

    /** @return the length of the innermost merged dim (an upper bound on run length) */
    public int innerLength() {
        return dims[dims.length - 1];
    }

    /**
     * Visits output elements {@code [start, end)} as contiguous runs.
     *
     * @param start first output index
     * @param end   one past the last
     * @param seg   the visitor
     */
    public void forRange(int start, int end, Segment seg) {
        if (start >= end) {
            return;
        }
        int r = dims.length;
        int k = strides.length;
        int[] idx = new int[r];
        int[] offs = new int[k];
        int rem = start;
        for (int j = r - 1; j >= 0; j--) {
            idx[j] = rem % dims[j];
            rem /= dims[j];
            for (int i = 0; i < k; i++) {
                offs[i] += idx[j] * strides[i][j];
            }
        }
        int last = r - 1;
        int innerDim = dims[last];
        int[] call = new int[k];
        int pos = start;
        while (pos < end) {
            int len = Math.min(end - pos, innerDim - idx[last]);
            System.arraycopy(offs, 0, call, 0, k);
            seg.run(pos, call, len);
            pos += len;
            if (pos >= end) {
                break;
            }
            // Next row: reset the inner dim, carry into the outer ones.
            for (int i = 0; i < k; i++) {
                offs[i] -= idx[last] * strides[i][last];
            }
            idx[last] = 0;
            for (int j = last - 1; j >= 0; j--) {
                idx[j]++;
                for (int i = 0; i < k; i++) {
                    offs[i] += strides[i][j];
                }
                if (idx[j] < dims[j]) {
                    break;
                }
                for (int i = 0; i < k; i++) {
                    offs[i] -= idx[j] * strides[i][j];
                }
                idx[j] = 0;
            }
        }
    }
}
