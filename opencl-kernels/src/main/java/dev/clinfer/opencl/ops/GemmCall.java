package dev.clinfer.opencl.ops;

import dev.clinfer.opencl.ClBuffer;
import dev.clinfer.opencl.ClDevice;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.DeviceOpContext;

/**
 * One batched GEMM launch of gemm.cl: {@code Y[b] = alpha * A[b] * B[b] + beta * C[b]} with
 * every operand addressed by element strides (transposes and broadcasts are strides; a stride
 * of 0 repeats). Y is dense: batch {@code b} starts at {@code yOff + b * m * n}. Used by MatMul,
 * Gemm and the GEMM-shaped convolutions.
 */
final class GemmCall {
    /** Source file of the GEMM kernels. */
    static final String PROGRAM = "gemm.cl";
    /** Batch dims the kernel decodes. */
    static final int MAX_BATCH_DIMS = 4;

    /** Tests only: a kernel name to use whatever the device ("gemm_tiled", "gemm_cpu", "gemm_direct"). */
    static volatile String forceKernel;

    int m;
    int n;
    int k;
    int sAm;
    int sAk;
    int sBk;
    int sBn;
    int sCm;
    int sCn;
    float alpha = 1f;
    float beta;
    ClBuffer a;
    int aOff;
    ClBuffer b;
    int bOff;
    /** Null when there is no C term. */
    ClBuffer c;
    int cOff;
    ClBuffer y;
    int yOff;
    /** Extra build options selecting an activation epilogue ({@code FusedActivation.clOptions()}), or "". */
    String epilogue = "";
    /** Output batch dims, innermost last; unused leading entries are 1. */
    final int[] batchDims = {1, 1, 1, 1};
    final int[] aBatchStrides = new int[MAX_BATCH_DIMS];
    final int[] bBatchStrides = new int[MAX_BATCH_DIMS];
    final int[] cBatchStrides = new int[MAX_BATCH_DIMS];

    /** @return number of output matrices */
    int batches() {
        return batchDims[0] * batchDims[1] * batchDims[2] * batchDims[3];
    }

    /**
     * Sets the batch dims (at most {@link #MAX_BATCH_DIMS}), right-aligned.
     *
     * @param dims output batch dims
     * @param as   A strides per dim
     * @param bs   B strides per dim
     * @param cs   C strides per dim (null: all 0)
     * @return this
     */
    GemmCall batch(int[] dims, int[] as, int[] bs, int[] cs) {
        int off = MAX_BATCH_DIMS - dims.length;
        if (off < 0) {
            throw new IllegalArgumentException("GEMM batch has " + dims.length + " dims, the kernel takes "
                    + MAX_BATCH_DIMS);
        }
        for (int i = 0; i < dims.length; i++) {
            batchDims[off + i] = dims[i];
            aBatchStrides[off + i] = as[i];
            bBatchStrides[off + i] = bs[i];
            cBatchStrides[off + i] = cs == null ? 0 : cs[i];
        }
        return this;
    }

    /** @param device the device @return the build options of gemm.cl for it (one per device kind) */
    static String options(ClDevice device) {
        return device.isGpuLike() && device.maxWorkGroupSize() >= 256
                ? "-DTSM=64 -DTSN=64 -DTSK=16 -DWPTM=4 -DWPTN=4"
                : "-DTSM=32 -DTSN=32 -DTSK=32 -DWPTM=4 -DWPTN=4 -DVW=8 -DRM=4";
    }

    /** @param options build options @param name macro @return its value in the options */
    private static int macro(String options, String name) {
        String key = "-D" + name + "=";
        int i = options.indexOf(key) + key.length();
        int j = options.indexOf(' ', i);
        return Integer.parseInt(options.substring(i, j < 0 ? options.length() : j));
    }

    /** Enqueues the product (nothing for an empty output). @param ctx the request */
    void enqueue(DeviceOpContext ctx) {
        int batches = batches();
        if (m == 0 || n == 0 || batches == 0) {
            return;
        }
        String opts = options(ctx.device()) + epilogue;
        int tsm = macro(opts, "TSM");
        int tsn = macro(opts, "TSN");
        // Tiles pay when both output dims fill most of a tile and K is not tiny; thin products
        // (vectors, attention heads, a classifier row) run one output per work-item.
        boolean big = m >= tsm / 2 && n >= tsn / 2 && k >= 8 && (long) m * n >= 4096;
        boolean gpu = ctx.device().isGpuLike();
        // CPU devices get the register-blocked kernel: barriers and local tiles are slow there.
        boolean cpuBlocked = !gpu && n >= 16 && m >= 2;
        boolean tiled = gpu && big;
        String name = tiled ? "gemm_tiled" : cpuBlocked ? "gemm_cpu" : "gemm_direct";
        String forced = forceKernel;
        if (forced != null) {
            name = forced;
            tiled = forced.equals("gemm_tiled");
            cpuBlocked = forced.equals("gemm_cpu");
        }
        ClKernel kern = ctx.kernel(PROGRAM, opts, name);
        kern.arg(0, a).arg(1, aOff).arg(2, b).arg(3, bOff)
                .arg(4, c != null ? c : a).arg(5, cOff).arg(6, y).arg(7, yOff)
                .argInts(8, new int[] {m, n, k, sAm, sAk, sBk, sBn, sCm, sCn, c != null ? 1 : 0, 0, 0, 0, 0, 0, 0})
                .argInts(9, new int[] {batchDims[0], batchDims[1], batchDims[2], batchDims[3],
                    aBatchStrides[0], aBatchStrides[1], aBatchStrides[2], aBatchStrides[3],
                    bBatchStrides[0], bBatchStrides[1], bBatchStrides[2], bBatchStrides[3],
                    cBatchStrides[0], cBatchStrides[1], cBatchStrides[2], cBatchStrides[3]})
                .arg(10, alpha).arg(11, beta);
        if (tiled) {
            int rtsm = tsm / macro(opts, "WPTM");
            int rtsn = tsn / macro(opts, "WPTN");
            long gx = (long) ((n + tsn - 1) / tsn) * rtsn;
            long gy = (long) ((m + tsm - 1) / tsm) * rtsm;
            ctx.launch(kern, new long[] {gx, gy, batches}, new long[] {rtsn, rtsm, 1});
        } else if (cpuBlocked) {
            int vw = macro(opts, "VW");
            int rm = macro(opts, "RM");
            ctx.launch(kern, new long[] {(n + 2L * vw - 1) / (2L * vw), (m + rm - 1) / rm, batches}, null);
        } else {
            ctx.launch(kern, new long[] {n, m, batches}, null);
        }
    }
}
