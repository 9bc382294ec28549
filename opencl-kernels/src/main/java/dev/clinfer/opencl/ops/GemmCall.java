package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.opencl.ClBuffer;
import dev.clinfer.opencl.ClDevice;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;
import dev.clinfer.opencl.ProgramCache;
import dev.clinfer.opencl.tune.GemmConfig;
import dev.clinfer.opencl.tune.GemmTuner;

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

    /** Tests only: a kernel name to use whatever the device ("gemm_tiled", "gemm_cpu", "gemm_cpu_packed", "gemm_direct"). */
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
    /** The CPU variant to use; null: the device's tuned choice. */
    GemmConfig config;
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

    /**
     * The local size of the CPU kernels. One fixed size, because PoCL compiles a kernel again for
     * every new local size, which a driver-picked one would be for nearly every shape. Their
     * work-items have enough to do (a K-long loop) that groups of one cost nothing measurable.
     */
    private static final long[] ONE = {1, 1, 1};
    /** Build options of the tiled kernel on GPUs and accelerators with room for 256 work-items. */
    private static final String GPU_OPTIONS = "-DTSM=64 -DTSN=64 -DTSK=16 -DWPTM=4 -DWPTN=4";

    /** @param device the device @return the build options of gemm.cl for it (one per device, tuned on CPUs) */
    static String options(ClDevice device) {
        return gpuTiled(device) ? GPU_OPTIONS : GemmTuner.config(device).options();
    }

    /**
     * Tunes the CPU variant for the cache's device unless it is known (see {@link GemmTuner#tune});
     * nothing on devices that take the tiled kernel.
     *
     * @param programs an open cache on the device, kept open until this returns
     */
    static void tune(ProgramCache programs) {
        if (!gpuTiled(programs.context().device())) {
            GemmTuner.tune(programs, GemmTimer::new);
        }
    }

    /** @return true where the local-memory tiled kernel runs (GPU-like devices with big work-groups) */
    private static boolean gpuTiled(ClDevice device) {
        return device.isGpuLike() && device.maxWorkGroupSize() >= 256;
    }

    /** Enqueues the product (nothing for an empty output). @param ctx the request */
    void enqueue(DeviceOpContext ctx) {
        int batches = batches();
        if (m == 0 || n == 0 || batches == 0) {
            return;
        }
        ClDevice device = ctx.device();
        boolean gpu = gpuTiled(device);
        GemmConfig cfg = gpu ? null : config != null ? config : GemmTuner.config(device);
        String opts = gpu ? GPU_OPTIONS : cfg.options();
        // GPUs tile with local memory where both output dims fill most of a 64 x 64 tile and K is
        // not tiny; thin products (vectors, attention heads, a classifier row) run one output per
        // work-item.
        boolean tiled = gpu && m >= 32 && n >= 32 && k >= 8 && (long) m * n >= 4096;
        // CPU devices get the register-blocked kernels (barriers and local tiles are slow there).
        // They copy B into zero-padded panels first where the in-place kernel would fall back to
        // scalar code (B's columns not contiguous, or fewer than a block's width, as in the last
        // stages of a CNN), or where B's rows sit a multiple of 512 bytes apart, so the column
        // strip a work-item walks maps to a few cache sets and thrashes, and there are enough
        // rows to repay the copy. Products narrower than half a block (attention heads of short
        // sequences) would mostly compute padding: one output per work-item there.
        boolean cpuBlocked = !gpu && m >= 2 && n >= Math.max(8, cfg.nr() / 2);
        boolean packed = cpuBlocked && (sBn != 1 || n < cfg.nr() || (sBk % 128 == 0 && m >= cfg.packMinM()));
        String name = tiled ? "gemm_tiled" : packed ? "gemm_cpu_packed" : cpuBlocked ? "gemm_cpu" : "gemm_direct";
        String forced = forceKernel;
        if (forced != null) {
            name = forced;
            tiled = forced.equals("gemm_tiled");
            packed = forced.equals("gemm_cpu_packed");
            cpuBlocked = packed || forced.equals("gemm_cpu");
            if (cfg == null) {
                // Tests forcing a CPU kernel on a GPU: its macros join the tiled ones.
                cfg = GemmConfig.CPU_DEFAULT;
                opts = GPU_OPTIONS + " " + cfg.options();
            }
        }
        opts += epilogue;
        ClBuffer bArg = b;
        int bArgOff = bOff;
        if (packed) {
            // Panels of NR columns, zero-padded past N; one per output batch.
            long npad = (long) (n + cfg.nr() - 1) / cfg.nr() * cfg.nr();
            DeviceTensor bp = ctx.allocate(DataType.FLOAT, new long[] {batches, npad * k});
            ClKernel pack = ctx.kernel(PROGRAM, opts, "gemm_pack_b");
            pack.arg(0, b).arg(1, bOff).arg(2, bp.buffer()).argInts(3, geometry()).argInts(4, batchArgs());
            ctx.launch(pack, new long[] {npad / cfg.nr(), k, batches}, ONE);
            bArg = bp.buffer();
            bArgOff = 0;
        }
        ClKernel kern = ctx.kernel(PROGRAM, opts, name);
        kern.arg(0, a).arg(1, aOff).arg(2, bArg).arg(3, bArgOff)
                .arg(4, c != null ? c : a).arg(5, cOff).arg(6, y).arg(7, yOff)
                .argInts(8, geometry()).argInts(9, batchArgs())
                .arg(10, alpha).arg(11, beta);
        if (tiled) {
            // 64 x 64 tiles, 4 x 4 outputs per work-item: GPU_OPTIONS, also gemm.cl's defaults.
            int rtsm = 16;
            int rtsn = 16;
            long gx = (long) ((n + 63) / 64) * rtsn;
            long gy = (long) ((m + 63) / 64) * rtsm;
            ctx.launch(kern, new long[] {gx, gy, batches}, new long[] {rtsn, rtsm, 1});
        } else if (cpuBlocked) {
            ctx.launch(kern, new long[] {(m + cfg.rm() - 1) / cfg.rm(), (n + cfg.nr() - 1) / cfg.nr(), batches}, ONE);
        } else {
            ctx.launch(kern, new long[] {n, m, batches}, null);
        }
    }

    /** @return the kernels' geometry vector g */
    private int[] geometry() {
        return new int[] {m, n, k, sAm, sAk, sBk, sBn, sCm, sCn, c != null ? 1 : 0, 0, 0, 0, 0, 0, 0};
    }

    /** @return the kernels' batch vector bt */
    private int[] batchArgs() {
        return new int[] {batchDims[0], batchDims[1], batchDims[2], batchDims[3],
            aBatchStrides[0], aBatchStrides[1], aBatchStrides[2], aBatchStrides[3],
            bBatchStrides[0], bBatchStrides[1], bBatchStrides[2], bBatchStrides[3],
            cBatchStrides[0], cBatchStrides[1], cBatchStrides[2], cBatchStrides[3]};
    }
}
