package dev.clinfer.ops;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.UnsupportedOperatorException;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/**
 * The sliding-window geometry shared by MaxPool, AveragePool, LpPool and MaxUnpool: kernel,
 * strides, dilations, the begin/end pads (explicit or from {@code auto_pad}) and the output
 * spatial dims, following the ONNX pooling shape rules.
 */
public final class PoolGeometry {
    /** Input spatial dims. */
    public final long[] in;
    /** Kernel extent per spatial dim. */
    public final long[] kernel;
    /** Stride per spatial dim. */
    public final long[] strides;
    /** Dilation per spatial dim. */
    public final long[] dilations;
    /** Begin pad per spatial dim (resolved from {@code auto_pad} where set). */
    public final long[] padBegin;
    /** End pad per spatial dim (resolved from {@code auto_pad} where set). */
    public final long[] padEnd;
    /** Output spatial dims. */
    public final long[] out;

    private PoolGeometry(long[] in, long[] kernel, long[] strides, long[] dilations, long[] padBegin, long[] padEnd,
                         long[] out) {
        this.in = in;
        this.kernel = kernel;
        this.strides = strides;
        this.dilations = dilations;
        this.padBegin = padBegin;
        this.padEnd = padEnd;
        this.out = out;
    }

    /** @return number of spatial dims */
    int rank() {
        return in.length;
    }

    /**
     * Reads the pooling attributes of {@code node} for an input of shape {@code xShape} (N, C,
     * spatial...) and computes the output spatial dims.
     *
     * @param node   the pooling node
     * @param xShape input shape
     * @return the geometry
     */
    public static PoolGeometry of(Node node, long[] xShape) {
        if (xShape.length < 3) {
            throw new InvalidInputException(node + ": input X must have rank >= 3 (N, C, spatial...), got "
                    + Arrays.toString(xShape));
        }
        int r = xShape.length - 2;
        long[] in = Arrays.copyOfRange(xShape, 2, xShape.length);
        long[] kernel = node.attrInts("kernel_shape", null);
        if (kernel == null || kernel.length != r) {
            throw new InvalidInputException(node + ": kernel_shape " + Arrays.toString(kernel) + " must have "
                    + r + " entries for input " + Arrays.toString(xShape));
        }
        long[] strides = ints(node, "strides", r, 1);
        long[] dil = ints(node, "dilations", r, 1);
        long[] pads = node.attrInts("pads", new long[2 * r]);
        if (pads.length != 2 * r) {
            throw new InvalidInputException(node + ": pads " + Arrays.toString(pads) + " must have " + 2 * r + " entries");
        }
        boolean ceil = node.attrInt("ceil_mode", 0) != 0;
        String autoPad = node.attrString("auto_pad", "NOTSET");
        long[] pb = Arrays.copyOfRange(pads, 0, r);
        long[] pe = Arrays.copyOfRange(pads, r, 2 * r);
        long[] out = new long[r];
        for (int d = 0; d < r; d++) {
            if (kernel[d] < 1 || strides[d] < 1 || dil[d] < 1) {
                throw new InvalidInputException(node + ": kernel_shape, strides and dilations must be positive");
            }
            long eff = (kernel[d] - 1) * dil[d] + 1;
            switch (autoPad) {
                case "NOTSET":
                case "": {
                    long num = in[d] + pb[d] + pe[d] - eff;
                    long o = (ceil ? Math.floorDiv(num + strides[d] - 1, strides[d]) : Math.floorDiv(num, strides[d])) + 1;
                    // A window that would start inside the end padding only is dropped (as PyTorch and ORT do).
                    if (ceil && o > 0 && (o - 1) * strides[d] >= in[d] + pb[d]) {
                        o--;
                    }
                    out[d] = o;
                    break;
                }
                case "SAME_UPPER":
                case "SAME_LOWER": {
                    long o = (in[d] + strides[d] - 1) / strides[d];
                    long total = Math.max((o - 1) * strides[d] + eff - in[d], 0);
                    long small = total / 2;
                    pb[d] = autoPad.equals("SAME_UPPER") ? small : total - small;
                    pe[d] = total - pb[d];
                    out[d] = o;
                    break;
                }
                case "VALID":
                    pb[d] = 0;
                    pe[d] = 0;
                    out[d] = in[d] >= eff ? (in[d] - eff) / strides[d] + 1 : 0;
                    break;
                default:
                    throw new UnsupportedOperatorException(node + ": unknown auto_pad '" + autoPad + "'");
            }
            if (out[d] < 1) {
                throw new InvalidInputException(node + ": input " + Arrays.toString(xShape) + " is too small for kernel "
                        + Arrays.toString(kernel) + " (output dim " + d + " would be " + out[d] + ")");
            }
        }
        return new PoolGeometry(in, kernel, strides, dil, pb, pe, out);
    }

    private static long[] ints(Node node, String name, int r, long def) {
        long[] v = node.attrInts(name, null);
        if (v == null) {
            v = new long[r];
            Arrays.fill(v, def);
        } else if (v.length != r) {
            throw new InvalidInputException(node + ": " + name + " " + Arrays.toString(v) + " must have " + r + " entries");
        }
        return v;
    }

    /** @param n batch @param c channels @return the full output shape */
    long[] outputShape(long n, long c) {
        long[] s = new long[out.length + 2];
        s[0] = n;
        s[1] = c;
        System.arraycopy(out, 0, s, 2, out.length);
        return s;
    }

    /** @return product of the input spatial dims */
    int inSpatial() {
        return OpUtil.size(in);
    }

    /** @return product of the output spatial dims */
    int outSpatial() {
        return OpUtil.size(out);
    }

    /**
     * Builds the gather table of every output position: the flat offsets (within one N,C plane)
     * of the input elements its window covers, skipping padding.
     *
     * @param includePadCount whether {@link PoolWindows#padCount} should count the taps that fall in
     *                        the pads (AveragePool count_include_pad)
     * @return the table
     */
    PoolWindows windows(boolean includePadCount) {
        int r = rank();
        // Per dim and output index: the valid input positions and the in-pad tap count.
        int[][][] valid = new int[r][][];
        int[][] padTaps = new int[r][];
        for (int d = 0; d < r; d++) {
            int od = (int) out[d];
            valid[d] = new int[od][];
            padTaps[d] = new int[od];
            for (int o = 0; o < od; o++) {
                long start = o * strides[d] - padBegin[d];
                int[] tmp = new int[(int) kernel[d]];
                int n = 0;
                int inPad = 0;
                for (long j = 0; j < kernel[d]; j++) {
                    long p = start + j * dilations[d];
                    if (p >= 0 && p < in[d]) {
                        tmp[n++] = (int) p;
                    }
                    if (p >= -padBegin[d] && p < in[d] + padEnd[d]) {
                        inPad++;
                    }
                }
                valid[d][o] = Arrays.copyOf(tmp, n);
                padTaps[d][o] = inPad;
            }
        }
        int[] inStr = OpUtil.strides(in);
        int outN = outSpatial();
        int[] begin = new int[outN + 1];
        float[] padCount = includePadCount ? new float[outN] : null;
        // First pass: sizes.
        int[] idx = new int[r];
        long total = 0;
        for (int o = 0; o < outN; o++) {
            long cnt = 1;
            long pc = 1;
            for (int d = 0; d < r; d++) {
                cnt *= valid[d][idx[d]].length;
                pc *= padTaps[d][idx[d]];
            }
            total += cnt;
            if (padCount != null) {
                padCount[o] = pc;
            }
            advance(idx, out);
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("pooling window table too large: " + total + " taps");
        }
        int[] offs = new int[(int) total];
        int w = 0;
        Arrays.fill(idx, 0);
        int[] tap = new int[r];
        for (int o = 0; o < outN; o++) {
            begin[o] = w;
            boolean empty = false;
            for (int d = 0; d < r; d++) {
                empty |= valid[d][idx[d]].length == 0;
            }
            if (!empty) {
                Arrays.fill(tap, 0);
                while (true) {
                    int off = 0;
                    for (int d = 0; d < r; d++) {
                        off += valid[d][idx[d]][tap[d]] * inStr[d];
                    }
                    offs[w++] = off;
                    int d = r - 1;
                    while (d >= 0 && ++tap[d] == valid[d][idx[d]].length) {
                        tap[d] = 0;
                        d--;
                    }
                    if (d < 0) {
                        break;
                    }
                }
            }
            advance(idx, out);
        }
        begin[outN] = w;
        return new PoolWindows(offs, begin, padCount);
    }

    /** Odometer increment of a row-major multi-index. */
    static void advance(int[] idx, long[] dims) {
        for (int d = dims.length - 1; d >= 0; d--) {
            if (++idx[d] < dims[d]) {
                return;
            }
            idx[d] = 0;
        }
    }
}
