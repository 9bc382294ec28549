package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.UnsupportedOperatorException;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.DeviceOpContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Index arithmetic shared by the elementwise, layout and norm launchers: strides, merging of
 * dims that every operand walks contiguously, packing dims into the {@code int8} kernel arguments
 * (innermost first), and launch sizes.
 */
final class LayoutIndexing {
    /** Most dims a strided kernel walks (one int8 argument). */
    static final int MAX_RANK = 8;
    /** Global sizes are rounded up to this, so drivers can pick a good work-group size. */
    private static final long ROUND = 256;

    private LayoutIndexing() {
    }

    /** @param v a value info (may be null) @return true when it is a float32 tensor */
    static boolean isFloat(ValueInfo v) {
        return v != null && v.type() == DataType.FLOAT && "tensor".equals(v.kind());
    }

    /** @param inputs infos @param i index @return the info, or null when absent */
    static ValueInfo info(List<ValueInfo> inputs, int i) {
        return i < inputs.size() ? inputs.get(i) : null;
    }

    /** @param node node @param i input index @return whether input {@code i} is given (not omitted) */
    static boolean present(Node node, int i) {
        return i < node.inputs().size() && !node.inputs().get(i).isEmpty();
    }

    /** @param node node @param k output index @return whether output {@code k} is wanted */
    static boolean wantsOutput(Node node, int k) {
        return k < node.outputs().size() && !node.outputs().get(k).isEmpty();
    }

    /**
     * @param node node
     * @param i    input index
     * @param st   static facts
     * @return true when input {@code i} is omitted or a constant
     */
    static boolean absentOrConstant(Node node, int i, DeviceOpContext.Static st) {
        return !present(node, i) || st.constant(node.inputs().get(i)) != null;
    }

    /** @param shape dims @return row-major strides */
    static int[] strides(long[] shape) {
        int[] s = new int[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = (int) acc;
            acc *= shape[i];
        }
        return s;
    }

    /** @param in input dims @param out broadcast output dims @return in's strides over out's dims, 0 where broadcast */
    static int[] broadcastStrides(long[] in, long[] out) {
        int[] s = new int[out.length];
        int[] inS = strides(in);
        for (int i = 0; i < in.length; i++) {
            int o = out.length - in.length + i;
            s[o] = in[i] == 1 ? 0 : inS[i];
        }
        return s;
    }

    /** @param n work items @return a global size of at least n, a multiple of 256 */
    static long[] global(long n) {
        return new long[] {(n + ROUND - 1) / ROUND * ROUND};
    }

    /**
     * Dims and per-operand strides after dropping size-1 dims and merging neighbours that every
     * operand walks as one (stride[i] == stride[i+1] * dim[i+1]).
     *
     * @param dims    iteration dims (outermost first)
     * @param strides per operand, its stride along each dim
     */
    record Walk(long[] dims, int[][] strides) {
        /** @return rank after merging */
        int rank() {
            return dims.length;
        }

        /** @return dims innermost first, padded to 8 */
        int[] packedDims() {
            int[] v = new int[MAX_RANK];
            java.util.Arrays.fill(v, 1);
            for (int i = 0; i < dims.length; i++) {
                v[i] = (int) dims[dims.length - 1 - i];
            }
            return v;
        }

        /** @param k operand @return its strides innermost first, padded to 8 */
        int[] packedStrides(int k) {
            int[] v = new int[MAX_RANK];
            for (int i = 0; i < dims.length; i++) {
                v[i] = strides[k][dims.length - 1 - i];
            }
            return v;
        }

        /** Throws when more than {@link #MAX_RANK} dims remain. */
        Walk requireFits(Node node) {
            if (dims.length > MAX_RANK) {
                throw new UnsupportedOperatorException(node + ": the OpenCL kernel walks at most " + MAX_RANK
                        + " dims, this needs " + dims.length);
            }
            return this;
        }

        /** Sets (rank, dims, strides of each operand) from argument {@code first} on. */
        void setArgs(ClKernel k, int first) {
            k.arg(first, rank());
            k.argInts(first + 1, packedDims());
            for (int s = 0; s < strides.length; s++) {
                k.argInts(first + 2 + s, packedStrides(s));
            }
        }
    }

    /**
     * @param dims    iteration dims
     * @param strides per operand strides along {@code dims}
     * @return the merged walk
     */
    static Walk walk(long[] dims, int[]... strides) {
        List<Long> d = new ArrayList<>();
        List<int[]> s = new ArrayList<>();
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 1) {
                continue;
            }
            int[] col = new int[strides.length];
            for (int k = 0; k < strides.length; k++) {
                col[k] = strides[k][i];
            }
            if (!d.isEmpty()) {
                int[] prev = s.get(s.size() - 1);
                boolean merge = true;
                for (int k = 0; k < strides.length; k++) {
                    if ((long) prev[k] != (long) col[k] * dims[i]) {
                        merge = false;
                        break;
                    }
                }
                if (merge) {
                    d.set(d.size() - 1, d.get(d.size() - 1) * dims[i]);
                    s.set(s.size() - 1, col);
                    continue;
                }
            }
            d.add(dims[i]);
            s.add(col);
        }
        long[] md = new long[d.size()];
        int[][] ms = new int[strides.length][d.size()];
        for (int i = 0; i < md.length; i++) {
            md[i] = d.get(i);
            for (int k = 0; k < strides.length; k++) {
                ms[k][i] = s.get(i)[k];
            }
        }
        return new Walk(md, ms);
    }

    /** @param shape dims @return element count as int, or throws when over 2^31-1 */
    static int count(Node node, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new UnsupportedOperatorException(node + ": " + n + " elements exceed the OpenCL kernels' int indexing");
        }
        return (int) n;
    }
}
