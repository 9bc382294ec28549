package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/**
 * TopK: the k largest (or smallest) elements along an axis and their int64 indices, best
 * first; equal values keep the lower index first. Small k uses a bounded heap (O(n log k)),
 * large k a full sort.
 */
final class TopKKernel {
    private TopKKernel() {
    }

    /** Orders two positions of one slice: positive when {@code a} ranks before {@code b}. */
    private interface Ranker {
        int rank(int a, int b);
    }

    static Tensor[] run(Node node, Tensor[] in, ExecContext ctx) {
        if (in.length < 1 || in[0] == null) {
            throw new InvalidInputException(node + ": missing input 0 (X)");
        }
        Tensor x = in[0];
        long k;
        if (node.opset() >= 10 || (in.length > 1 && in[1] != null)) {
            if (in.length < 2 || in[1] == null || in[1].size() != 1) {
                throw new InvalidInputException(node + ": K must be a 1-element tensor");
            }
            k = in[1].getLong(0);
        } else {
            k = node.attrInt("k", -1);
        }
        long[] shape = x.shape();
        int rank = shape.length;
        int axis = OpUtil.axis(node.attrInt("axis", -1), rank, node);
        boolean largest = node.attrInt("largest", 1) != 0;
        if (k < 0 || k > shape[axis]) {
            throw new InvalidInputException(node + ": k = " + k + " must be in [0, " + shape[axis] + "] for axis "
                    + axis + " of " + Arrays.toString(shape));
        }
        int outer = GatherCopy.prod(shape, 0, axis);
        int d = (int) shape[axis];
        int inner = GatherCopy.prod(shape, axis + 1, rank);
        int kk = (int) k;
        long[] outShape = shape.clone();
        outShape[axis] = k;
        Tensor values = ctx.allocate(x.dataType(), outShape);
        Tensor indices = ctx.allocate(DataType.INT64, outShape);
        boolean integral = x.dataType().isInteger() || x.dataType() == DataType.BOOL;
        double[] xd = integral ? null : x.toDoubleArray();
        long[] xl = integral ? x.toLongArray() : null;
        GatherCopy copy = new GatherCopy(x, values);
        ctx.parallelFor(outer * inner, (long) d * 8, (s, e) -> {
            int[] slice = new int[d];
            for (int t = s; t < e; t++) {
                int o = t / inner;
                int i = t - o * inner;
                int base = o * d * inner + i;
                Ranker cmp = (a, b) -> {
                    int pa = base + a * inner;
                    int pb = base + b * inner;
                    int c = integral ? Long.compare(xl[pa], xl[pb]) : Double.compare(xd[pa], xd[pb]);
                    if (!largest) {
                        c = -c;
                    }
                    return c != 0 ? c : Integer.compare(b, a);
                };
                int[] best = select(slice, d, kk, cmp);
                for (int j = 0; j < kk; j++) {
                    int dst = (o * kk + j) * inner + i;
                    copy.copy(base + best[j] * inner, dst, 1);
                    indices.setLong(dst, best[j]);
                }
            }
        });
        return new Tensor[] {values, indices};
    }

    /** @return the k best positions of {@code [0, n)}, best first */
    private static int[] select(int[] scratch, int n, int k, Ranker cmp) {
        if (k == 0) {
            return scratch;
        }
        // min-heap on rank: the root is the worst of the k kept so far
        int[] heap = scratch;
        int size = 0;
        for (int p = 0; p < n; p++) {
            if (size < k) {
                heap[size] = p;
                siftUp(heap, size++, cmp);
            } else if (cmp.rank(p, heap[0]) > 0) {
                heap[0] = p;
                siftDown(heap, size, cmp);
            }
        }
        // pop worst-first into the back of the result
        int[] out = new int[k];
        for (int j = k - 1; j >= 0; j--) {
            out[j] = heap[0];
            heap[0] = heap[--size];
            siftDown(heap, size, cmp);
        }
        return out;
    }

    private static void siftUp(int[] h, int i, Ranker cmp) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (cmp.rank(h[i], h[parent]) >= 0) {
                return;
            }
            int tmp = h[i];
            h[i] = h[parent];
            h[parent] = tmp;
            i = parent;
        }
    }

    private static void siftDown(int[] h, int size, Ranker cmp) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) {
                return;
            }
            int c = l + 1 < size && cmp.rank(h[l + 1], h[l]) < 0 ? l + 1 : l;
            if (cmp.rank(h[c], h[i]) >= 0) {
                return;
            }
            int tmp = h[i];
            h[i] = h[c];
            h[c] = tmp;
            i = c;
        }
    }
}
