package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.ir.Dim;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.DeviceOp;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;
import dev.clinfer.ops.FusedOps;
import dev.clinfer.ops.OpUtil;

import java.util.Arrays;
import java.util.List;

/**
 * OpenCL launcher of {@code dev.clinfer.FusedAttention}: the scores {@code scale * Q K^T + mask}
 * as one batched GEMM of gemm.cl (heads and transposes are strides, the mask is the broadcast C
 * term), a row softmax in place, then {@code P V}: a GEMM for layout BHSD, and for BSHD a kernel
 * that writes the heads straight into {@code [B, S, H, Dv]} (fused.cl).
 */
final class FusedAttentionLauncher {
    private FusedAttentionLauncher() {
    }

    static void register(DeviceOps r) {
        r.register(FusedOps.DOMAIN, "FusedAttention", new DeviceOp() {
            @Override
            public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static ctx) {
                boolean mask = inputs.size() > 3 && inputs.get(3) != null;
                if (!GemmLaunchers.floats(inputs, 0, 1, 2) || (mask && !GemmLaunchers.floats(inputs, 3))) {
                    return false;
                }
                boolean bshd = node.attrString("layout", "BHSD").equals("BSHD");
                int r = bshd ? 4 : rank(inputs.get(0));
                if (r < 2 || r > 6 || rank(inputs.get(1)) != r || rank(inputs.get(2)) != r
                        || (mask && rank(inputs.get(3)) > r)) {
                    return false;
                }
                // BHSD: the kernel needs one batch for Q, K and V (no broadcasting between them).
                return bshd || sameBatch(inputs.get(0).shape(), inputs.get(1).shape(), r)
                        && sameBatch(inputs.get(0).shape(), inputs.get(2).shape(), r);
            }

            @Override
            public List<ProgramRef> programs(Node node, DeviceOpContext.Static ctx) {
                return List.of(new ProgramRef(FusedLaunchers.PROGRAM, ""));
            }

            @Override
            public DeviceTensor[] enqueue(Node node, DeviceTensor[] in, DeviceOpContext ctx) {
                return new DeviceTensor[] {run(node, in, ctx)};
            }
        });
    }

    private static int rank(ValueInfo v) {
        return v == null || v.shape() == null || !v.shape().hasRank() ? -1 : v.shape().rank();
    }

    private static boolean sameBatch(Shape a, Shape b, int r) {
        for (int i = 0; i < r - 2; i++) {
            Dim x = a.dim(i);
            Dim y = b.dim(i);
            boolean same = (x.isKnown() && y.isKnown() && x.value() == y.value())
                    || (x.isSymbolic() && y.isSymbolic() && x.symbol().equals(y.symbol()));
            if (!same) {
                return false;
            }
        }
        return true;
    }

    private static DeviceTensor run(Node node, DeviceTensor[] in, DeviceOpContext ctx) {
        DeviceTensor q = in[0];
        DeviceTensor k = in[1];
        DeviceTensor v = in[2];
        DeviceTensor mask = in.length > 3 ? in[3] : null;
        boolean bshd = node.attrString("layout", "BHSD").equals("BSHD");
        boolean kT = node.attrInt("k_transposed", 0) != 0;
        long[] qs = q.shape();
        long[] ks = k.shape();
        long[] vs = v.shape();
        int r = qs.length;
        long[] batch;
        int sq;
        int sk;
        int d;
        int dv;
        if (bshd) {
            batch = new long[] {qs[0], qs[2]};
            sq = (int) qs[1];
            sk = (int) ks[1];
            d = (int) qs[3];
            dv = (int) vs[3];
            boolean ok = r == 4 && ks.length == 4 && vs.length == 4 && ks[0] == qs[0] && ks[2] == qs[2] && ks[3] == d
                    && vs[0] == qs[0] && vs[1] == sk && vs[2] == qs[2];
            check(node, ok, qs, ks, vs);
        } else {
            batch = Arrays.copyOf(qs, r - 2);
            sq = (int) qs[r - 2];
            d = (int) qs[r - 1];
            sk = (int) (kT ? ks[r - 1] : ks[r - 2]);
            dv = (int) vs[r - 1];
            boolean ok = ks.length == r && vs.length == r && (kT ? ks[r - 2] : ks[r - 1]) == d && vs[r - 2] == sk
                    && Arrays.equals(batch, Arrays.copyOf(ks, r - 2)) && Arrays.equals(batch, Arrays.copyOf(vs, r - 2));
            check(node, ok, qs, ks, vs);
        }
        long[] scoreShape = Arrays.copyOf(batch, batch.length + 2);
        scoreShape[batch.length] = sq;
        scoreShape[batch.length + 1] = sk;
        long[] outShape = bshd ? new long[] {qs[0], sq, qs[2], dv} : outShape(batch, sq, dv);
        DeviceTensor y = ctx.allocate(DataType.FLOAT, outShape);
        int total = GemmLaunchers.checkedInt(node, y.size());
        int nb = GemmLaunchers.checkedInt(node, Math.max(0, dev.clinfer.api.Tensor.elementCount(batch)));
        if (total == 0 || nb == 0 || sk == 0) {
            return y;
        }
        DeviceTensor scores = ctx.allocate(DataType.FLOAT, scoreShape);
        GemmLaunchers.checkedInt(node, scores.size());
        int nbd = batch.length;
        if (nbd > GemmCall.MAX_BATCH_DIMS) {
            throw new InvalidInputException(node + ": more than " + GemmCall.MAX_BATCH_DIMS + " batch dims");
        }
        // 1. scores = scale * Q K^T + mask, batched over the batch (and head) dims by strides.
        GemmCall g = new GemmCall();
        g.m = sq;
        g.n = sk;
        g.k = d;
        g.alpha = node.attrFloat("scale", 1f);
        int[] dims = new int[nbd];
        int[] aStr = new int[nbd];
        int[] bStr = new int[nbd];
        int[] cStr = new int[nbd];
        if (bshd) {
            int heads = (int) qs[2];
            g.sAm = heads * d;
            g.sAk = 1;
            g.sBk = 1;
            g.sBn = heads * d;
            dims[0] = (int) qs[0];
            dims[1] = heads;
            aStr[0] = sq * heads * d;
            aStr[1] = d;
            bStr[0] = sk * heads * d;
            bStr[1] = d;
        } else {
            g.sAm = d;
            g.sAk = 1;
            g.sBk = kT ? sk : 1;
            g.sBn = kT ? 1 : d;
            int as = sq * d;
            int bs = sk * d;
            for (int i = nbd - 1; i >= 0; i--) {
                dims[i] = (int) batch[i];
                aStr[i] = as;
                bStr[i] = bs;
                as *= (int) batch[i];
                bs *= (int) batch[i];
            }
        }
        if (mask != null) {
            long[] b = OpUtil.broadcastShape(node, mask.shape(), scoreShape);
            if (!Arrays.equals(b, scoreShape)) {
                throw new InvalidInputException(node + ": mask " + Arrays.toString(mask.shape())
                        + " does not broadcast to the scores " + Arrays.toString(scoreShape));
            }
            int[] ms = OpUtil.broadcastStrides(mask.shape(), scoreShape);
            System.arraycopy(ms, 0, cStr, 0, nbd);
            g.c = mask.buffer();
            g.beta = 1f;
            g.sCm = ms[nbd];
            g.sCn = ms[nbd + 1];
        }
        g.a = q.buffer();
        g.b = k.buffer();
        g.y = scores.buffer();
        g.batch(dims, aStr, bStr, cStr);
        g.enqueue(ctx);
        // 2. softmax over each row of the scores.
        int rows = GemmLaunchers.checkedInt(node, (long) nb * sq);
        ClKernel sm = ctx.kernel(FusedLaunchers.PROGRAM, "", "softmax_rows");
        sm.arg(0, scores.buffer()).arg(1, rows).arg(2, sk);
        ctx.launch(sm, new long[] {rows}, null);
        // 3. Y = P V.
        if (bshd) {
            boolean by8 = dv % 8 == 0;
            int items = by8 ? total / 8 : total;
            ClKernel pv = ctx.kernel(FusedLaunchers.PROGRAM, "", by8 ? "attn_pv_bshd8" : "attn_pv_bshd");
            pv.arg(0, scores.buffer()).arg(1, v.buffer()).arg(2, y.buffer()).arg(3, items)
                    .argInts(4, new int[] {(int) qs[0], (int) qs[2], sq, sk, dv, 0, 0, 0});
            ctx.launch(pv, new long[] {items}, null);
        } else {
            GemmCall p = new GemmCall();
            p.m = sq;
            p.n = dv;
            p.k = sk;
            p.sAm = sk;
            p.sAk = 1;
            p.sBk = dv;
            p.sBn = 1;
            p.a = scores.buffer();
            p.b = v.buffer();
            p.y = y.buffer();
            p.batch(new int[] {nb}, new int[] {sq * sk}, new int[] {sk * dv}, null);
            p.enqueue(ctx);
        }
        return y;
    }

    private static long[] outShape(long[] batch, int sq, int dv) {
        long[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = sq;
        s[batch.length + 1] = dv;
        return s;
    }

    private static void check(Node node, boolean ok, long[] qs, long[] ks, long[] vs) {
        if (!ok) {
            throw new InvalidInputException(node + ": Q " + Arrays.toString(qs) + ", K " + Arrays.toString(ks)
                    + " and V " + Arrays.toString(vs) + " do not form one attention");
        }
    }
}
