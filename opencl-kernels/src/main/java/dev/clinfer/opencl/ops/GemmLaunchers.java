package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.opencl.DeviceOp;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;
import dev.clinfer.opencl.ProgramCache;

import java.util.Arrays;
import java.util.List;

/** OpenCL launchers: MatMul and Gemm, tiled with local memory (gemm.cl). */
public final class GemmLaunchers {
    private GemmLaunchers() {
    }

    /**
     * Picks the GEMM variant for the cache's device before its programs are built: on a CPU-like
     * device with no recorded choice yet, a tuning run of a few seconds in that cache's context
     * (once per device and process, then recorded on disk).
     *
     * @param programs an open cache on the device, kept open until this returns
     */
    public static void tune(ProgramCache programs) {
        GemmCall.tune(programs);
    }

    /** @param r the registry to fill */
    public static void register(DeviceOps r) {
        r.register("MatMul", new DeviceOp() {
            @Override
            public List<ProgramRef> programs(Node node, DeviceOpContext.Static st) {
                return List.of(new ProgramRef(GemmCall.PROGRAM, GemmCall.options(st.device())));
            }

            @Override
            public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static ctx) {
                // Ranks up to 6 leave at most 4 batch dims, what the kernel decodes.
                return floats(inputs, 0, 1) && rankIn(inputs.get(0), 1, 6) && rankIn(inputs.get(1), 1, 6);
            }

            @Override
            public DeviceTensor[] enqueue(Node node, DeviceTensor[] in, DeviceOpContext ctx) {
                return new DeviceTensor[] {matMul(node, in[0], in[1], ctx)};
            }
        });
        r.register("Gemm", new DeviceOp() {
            @Override
            public List<ProgramRef> programs(Node node, DeviceOpContext.Static st) {
                return List.of(new ProgramRef(GemmCall.PROGRAM, GemmCall.options(st.device())));
            }

            @Override
            public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static ctx) {
                boolean c = inputs.size() > 2 && inputs.get(2) != null;
                return floats(inputs, 0, 1) && (!c || floats(inputs, 2)) && rankIn(inputs.get(0), 2, 2)
                        && rankIn(inputs.get(1), 2, 2) && (!c || rankIn(inputs.get(2), 0, 2));
            }

            @Override
            public DeviceTensor[] enqueue(Node node, DeviceTensor[] in, DeviceOpContext ctx) {
                return new DeviceTensor[] {gemm(node, in[0], in[1], in.length > 2 ? in[2] : null, ctx)};
            }
        });
    }

    /** @return true when every listed input is present with a known float32 type */
    static boolean floats(List<ValueInfo> inputs, int... idx) {
        for (int i : idx) {
            if (i >= inputs.size() || inputs.get(i) == null || inputs.get(i).type() != DataType.FLOAT) {
                return false;
            }
        }
        return true;
    }

    /** @return true when the rank is known and within [lo, hi] */
    static boolean rankIn(ValueInfo v, int lo, int hi) {
        return v != null && v.shape() != null && v.shape().hasRank() && v.shape().rank() >= lo && v.shape().rank() <= hi;
    }

    /** @return int value, or an error naming the node when the tensor is too large for the kernels */
    static int checkedInt(Node node, long v) {
        if (v > Integer.MAX_VALUE) {
            throw new InvalidInputException(node + ": " + v + " elements exceed the OpenCL kernels' int indexing");
        }
        return (int) v;
    }

    private static DeviceTensor matMul(Node node, DeviceTensor a, DeviceTensor b, DeviceOpContext ctx) {
        long[] as = a.shape();
        long[] bs = b.shape();
        if (as.length == 0 || bs.length == 0) {
            throw new InvalidInputException(node + ": MatMul operands must have rank >= 1, got "
                    + Arrays.toString(as) + " and " + Arrays.toString(bs));
        }
        boolean aVec = as.length == 1;
        boolean bVec = bs.length == 1;
        long[] am = aVec ? new long[] {1, as[0]} : as;
        long[] bm = bVec ? new long[] {bs[0], 1} : bs;
        int m = checkedInt(node, am[am.length - 2]);
        int k = checkedInt(node, am[am.length - 1]);
        int kb = checkedInt(node, bm[bm.length - 2]);
        int n = checkedInt(node, bm[bm.length - 1]);
        if (k != kb) {
            throw new InvalidInputException(node + ": inner dims differ: A " + Arrays.toString(as) + " x B "
                    + Arrays.toString(bs) + " (" + k + " vs " + kb + ")");
        }
        long[] aBatch = Arrays.copyOf(am, am.length - 2);
        long[] bBatch = Arrays.copyOf(bm, bm.length - 2);
        int r = Math.max(aBatch.length, bBatch.length);
        long[] batch = new long[r];
        int[] aStr = new int[r];
        int[] bStr = new int[r];
        long aStride = (long) m * k;
        long bStride = (long) k * n;
        for (int i = r - 1; i >= 0; i--) {
            int ia = i - (r - aBatch.length);
            int ib = i - (r - bBatch.length);
            long da = ia >= 0 ? aBatch[ia] : 1;
            long db = ib >= 0 ? bBatch[ib] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new InvalidInputException(node + ": batch dims of A " + Arrays.toString(as) + " and B "
                        + Arrays.toString(bs) + " do not broadcast");
            }
            batch[i] = da == 1 ? db : da;
            aStr[i] = da == 1 ? 0 : checkedInt(node, aStride);
            bStr[i] = db == 1 ? 0 : checkedInt(node, bStride);
            aStride *= da;
            bStride *= db;
        }
        long[] out = Arrays.copyOf(batch, r + (aVec ? 0 : 1) + (bVec ? 0 : 1));
        int o = r;
        if (!aVec) {
            out[o++] = m;
        }
        if (!bVec) {
            out[o] = n;
        }
        DeviceTensor y = ctx.allocate(DataType.FLOAT, out);
        checkedInt(node, y.size());
        checkedInt(node, a.size());
        checkedInt(node, b.size());
        GemmCall g = new GemmCall();
        g.a = a.buffer();
        g.b = b.buffer();
        g.y = y.buffer();
        g.m = m;
        g.n = n;
        g.k = k;
        g.sAm = k;
        g.sAk = 1;
        g.sBk = n;
        g.sBn = 1;
        long batches = 1;
        boolean bShared = true;
        for (int i = 0; i < r; i++) {
            batches *= batch[i];
            bShared &= bStr[i] == 0;
        }
        boolean aDense = Tensor.elementCount(aBatch) == batches;
        if (bShared && aDense) {
            // One shared B and contiguous A batches: the batch folds into the rows of one GEMM.
            g.m = checkedInt(node, batches * m);
        } else {
            int[][] c = collapse(batch, aStr, bStr);
            g.batch(c[0], c[1], c[2], null);
        }
        g.enqueue(ctx);
        return y;
    }

    /**
     * Merges adjacent batch dims that both operands walk contiguously, so any rank up to 6 fits
     * the kernel's 4 batch dims.
     *
     * @return {dims, aStrides, bStrides}
     */
    static int[][] collapse(long[] dims, int[] as, int[] bs) {
        int[] d = new int[dims.length];
        int[] sa = new int[dims.length];
        int[] sb = new int[dims.length];
        int n = 0;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 1) {
                continue;
            }
            if (n > 0 && sa[n - 1] == as[i] * dims[i] && sb[n - 1] == bs[i] * dims[i]) {
                d[n - 1] *= (int) dims[i];
                sa[n - 1] = as[i];
                sb[n - 1] = bs[i];
            } else {
                d[n] = (int) dims[i];
                sa[n] = as[i];
                sb[n] = bs[i];
                n++;
            }
        }
        if (n > GemmCall.MAX_BATCH_DIMS) {
            throw new IllegalArgumentException("MatMul batch " + Arrays.toString(dims) + " needs more than "
                    + GemmCall.MAX_BATCH_DIMS + " batch dims");
        }
        return new int[][] {Arrays.copyOf(d, n), Arrays.copyOf(sa, n), Arrays.copyOf(sb, n)};
    }

    private static DeviceTensor gemm(Node node, DeviceTensor a, DeviceTensor b, DeviceTensor c, DeviceOpContext ctx) {
        long[] as = a.shape();
        long[] bs = b.shape();
        if (as.length != 2 || bs.length != 2) {
            throw new InvalidInputException(node + ": Gemm needs 2-D A and B, got " + Arrays.toString(as)
                    + " and " + Arrays.toString(bs));
        }
        boolean transA = node.attrInt("transA", 0) != 0;
        boolean transB = node.attrInt("transB", 0) != 0;
        int a0 = checkedInt(node, as[0]);
        int a1 = checkedInt(node, as[1]);
        int b0 = checkedInt(node, bs[0]);
        int b1 = checkedInt(node, bs[1]);
        GemmCall g = new GemmCall();
        g.m = transA ? a1 : a0;
        g.k = transA ? a0 : a1;
        g.sAm = transA ? 1 : a1;
        g.sAk = transA ? a1 : 1;
        int kb = transB ? b1 : b0;
        g.n = transB ? b0 : b1;
        g.sBk = transB ? 1 : b1;
        g.sBn = transB ? b1 : 1;
        if (g.k != kb) {
            throw new InvalidInputException(node + ": inner dims differ: op(A) is " + g.m + "x" + g.k
                    + " but op(B) is " + kb + "x" + g.n);
        }
        g.alpha = node.attrFloat("alpha", 1f);
        g.beta = node.attrFloat("beta", 1f);
        if (c != null && g.beta != 0f) {
            long[] cs = c.shape();
            long c0 = cs.length == 2 ? cs[0] : 1;
            long c1 = cs.length >= 1 ? cs[cs.length - 1] : 1;
            if (cs.length > 2 || (c0 != 1 && c0 != g.m) || (c1 != 1 && c1 != g.n)) {
                throw new InvalidInputException(node + ": C " + Arrays.toString(cs) + " does not broadcast to ["
                        + g.m + ", " + g.n + "]");
            }
            g.c = c.buffer();
            g.sCm = c0 == 1 ? 0 : (int) c1;
            g.sCn = c1 == 1 ? 0 : 1;
        }
        DeviceTensor y = ctx.allocate(DataType.FLOAT, new long[] {g.m, g.n});
        checkedInt(node, y.size());
        g.a = a.buffer();
        g.b = b.buffer();
        g.y = y.buffer();
        g.enqueue(ctx);
        return y;
    }
}
