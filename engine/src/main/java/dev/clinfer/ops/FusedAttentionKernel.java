package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.cpu.GemmKernel;
import dev.clinfer.ir.Node;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Java kernel of {@code dev.clinfer.FusedAttention}: {@code softmax(scale * Q K^T + mask) V}
 * one (batch, head) at a time, so the score matrix of a head stays in cache and is never
 * materialised for the whole batch.
 *
 * <p>Inputs: Q, K, V and an optional additive mask (broadcast to the scores
 * {@code [batch..., Sq, Sk]}). Attributes: {@code scale} (FLOAT), {@code layout} (STRING):
 * <ul>
 *   <li>{@code BHSD} (default): MatMul operands as the graph had them, Q {@code [..., Sq, D]},
 *       V {@code [..., Sk, Dv]}, K {@code [..., Sk, D]}, or {@code [..., D, Sk]} when
 *       {@code k_transposed} is 1; output {@code [..., Sq, Dv]}.</li>
 *   <li>{@code BSHD}: Q/K/V {@code [B, S, H, D]} (before the heads were transposed out),
 *       output {@code [B, Sq, H, Dv]} (the layout the graph transposed back to).</li>
 * </ul>
 */
public final class FusedAttentionKernel {
    private FusedAttentionKernel() {
    }

    /** How one operand is laid out: per (batch, head) base offsets, and row/column strides. */
    private record Operand(FloatBuffer data, int rows, int cols, int rowStride, int colStride) {
    }

    /**
     * @param node the node
     * @param in   Q, K, V, mask (optional)
     * @param ctx  pool and allocation
     * @return the attention output, or null when the operands' batch dims differ (BHSD layout
     *         only), which the caller computes with the unfused ops
     */
    public static Tensor run(Node node, Tensor[] in, ExecContext ctx) {
        Tensor q = need(node, in, 0, "Q");
        Tensor k = need(node, in, 1, "K");
        Tensor v = need(node, in, 2, "V");
        Tensor mask = in.length > 3 ? in[3] : null;
        if (mask != null && mask.dataType() != DataType.FLOAT) {
            throw new InvalidInputException(node + ": mask must be float32, got " + mask.dataType());
        }
        float scale = node.attrFloat("scale", 1f);
        boolean bshd = node.attrString("layout", "BHSD").equals("BSHD");
        boolean kT = node.attrInt("k_transposed", 0) != 0;
        long[] qs = q.shape();
        long[] ks = k.shape();
        long[] vs = v.shape();
        int r = qs.length;
        if (r < 2 || ks.length != r || vs.length != r || (bshd && r != 4)) {
            throw new InvalidInputException(node + ": Q " + Arrays.toString(qs) + ", K " + Arrays.toString(ks) + ", V "
                    + Arrays.toString(vs) + " must have one rank (4 for layout BSHD)");
        }
        // Geometry: batch dims (B, H for BSHD), Sq, Sk, D, Dv.
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
            check(node, ks[0] == qs[0] && ks[2] == qs[2] && ks[3] == d && vs[0] == qs[0] && vs[1] == sk
                    && vs[2] == qs[2], qs, ks, vs);
        } else {
            batch = Arrays.copyOf(qs, r - 2);
            sq = (int) qs[r - 2];
            d = (int) qs[r - 1];
            sk = (int) (kT ? ks[r - 1] : ks[r - 2]);
            int kd = (int) (kT ? ks[r - 2] : ks[r - 1]);
            dv = (int) vs[r - 1];
            if (kd != d || vs[r - 2] != sk || !Arrays.equals(batch, Arrays.copyOf(ks, r - 2))
                    || !Arrays.equals(batch, Arrays.copyOf(vs, r - 2))) {
                return null; // broadcast batches or a mismatch: the caller runs the unfused ops
            }
        }
        long[] scoreShape = Arrays.copyOf(batch, batch.length + 2);
        scoreShape[batch.length] = sq;
        scoreShape[batch.length + 1] = sk;
        long[] outShape = bshd ? new long[] {qs[0], sq, qs[2], dv} : concat(batch, sq, dv);
        Tensor y = ctx.allocate(DataType.FLOAT, outShape);
        int nb = OpUtil.size(batch);
        if (y.numel() == 0 || nb == 0) {
            return y;
        }
        int heads = bshd ? (int) qs[2] : 1;
        float[] maskArr = null;
        int[] maskStrides = null;
        if (mask != null) {
            long[] b = OpUtil.broadcastShape(node, mask.shape(), scoreShape);
            if (!Arrays.equals(b, scoreShape)) {
                throw new InvalidInputException(node + ": mask " + Arrays.toString(mask.shape())
                        + " does not broadcast to the scores " + Arrays.toString(scoreShape));
            }
            maskArr = mask.toFloatArray();
            maskStrides = OpUtil.broadcastStrides(mask.shape(), scoreShape);
        }
        FloatBuffer qb = q.floats();
        FloatBuffer kb = k.floats();
        FloatBuffer vb = v.floats();
        FloatBuffer yb = y.floats();
        final float[] mArr = maskArr;
        final int[] mStr = maskStrides;
        final long[] bdims = batch;
        long cost = 2L * sq * sk * (d + dv) + 8L * sq * sk;
        ctx.parallelFor(nb, cost, (s, e) -> {
            float[] qh = new float[sq * d];
            float[] kh = new float[sk * d];
            float[] vh = new float[sk * dv];
            float[] sc = new float[sq * sk];
            float[] oh = new float[sq * dv];
            for (int bi = s; bi < e; bi++) {
                // Offsets and row strides of this (batch, head) slice of each operand.
                int qOff;
                int kOff;
                int vOff;
                int qRow;
                int kRow;
                int vRow;
                if (bshd) {
                    int bb = bi / heads;
                    int h = bi % heads;
                    qOff = (bb * sq * heads + h) * d;
                    kOff = (bb * sk * heads + h) * d;
                    vOff = (bb * sk * heads + h) * dv;
                    qRow = heads * d;
                    kRow = heads * d;
                    vRow = heads * dv;
                } else {
                    qOff = bi * sq * d;
                    kOff = bi * sk * d;
                    vOff = bi * sk * dv;
                    qRow = d;
                    kRow = kT ? sk : d;
                    vRow = dv;
                }
                gather(qb, qOff, qRow, sq, d, qh);
                gather(kb, kOff, kRow, kT ? d : sk, kT ? sk : d, kh);
                gather(vb, vOff, vRow, sk, dv, vh);
                // scores = scale * Q K^T
                GemmKernel.sgemm(sq, sk, d, scale, qh, 0, d, false, kh, 0, kT ? sk : d, !kT, 0f, sc, 0, sk, null);
                if (mArr == null) {
                    SoftmaxKernel.rows(sc, sq, sk, null, 0, 0);
                } else if (mStr[bdims.length + 1] == 1) {
                    // The usual [B, 1, 1, Sk] or [B, 1, Sq, Sk] mask: added in the softmax's first pass.
                    SoftmaxKernel.rows(sc, sq, sk, mArr, maskBase(mStr, bdims, bi), mStr[bdims.length]);
                } else {
                    addMask(sc, mArr, mStr, bdims, bi, sq, sk);
                    SoftmaxKernel.rows(sc, sq, sk, null, 0, 0);
                }
                GemmKernel.sgemm(sq, dv, sk, 1f, sc, 0, sk, false, vh, 0, dv, false, 0f, oh, 0, dv, null);
                int yOff = bshd ? qOff / d * dv : bi * sq * dv;
                int yRow = bshd ? heads * dv : dv;
                for (int i = 0; i < sq; i++) {
                    yb.put(yOff + i * yRow, oh, i * dv, dv);
                }
            }
        });
        return y;
    }

    private static void gather(FloatBuffer src, int off, int rowStride, int rows, int cols, float[] dst) {
        if (rowStride == cols) {
            src.get(off, dst, 0, rows * cols);
            return;
        }
        for (int i = 0; i < rows; i++) {
            src.get(off + i * rowStride, dst, i * cols, cols);
        }
    }

    /** Offset in the mask of (batch, head) slice bi's first score. */
    private static int maskBase(int[] str, long[] batch, int bi) {
        int base = 0;
        int rem = bi;
        for (int dd = batch.length - 1; dd >= 0; dd--) {
            int c = (int) (rem % batch[dd]);
            rem /= (int) batch[dd];
            base += c * str[dd];
        }
        return base;
    }

    private static void addMask(float[] sc, float[] mask, int[] str, long[] batch, int bi, int sq, int sk) {
        int base = maskBase(str, batch, bi);
        int si = str[batch.length];
        int sj = str[batch.length + 1];
        for (int i = 0; i < sq; i++) {
            int mo = base + i * si;
            int row = i * sk;
            if (sj == 1) {
                for (int j = 0; j < sk; j++) {
                    sc[row + j] += mask[mo + j];
                }
            } else {
                float m = mask[mo];
                for (int j = 0; j < sk; j++) {
                    sc[row + j] += sj == 0 ? m : mask[mo + j * sj];
                }
            }
        }
    }

    private static long[] concat(long[] batch, long a, long b) {
        long[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = a;
        s[batch.length + 1] = b;
        return s;
    }

    private static Tensor need(Node node, Tensor[] in, int i, String name) {
        if (i >= in.length || in[i] == null) {
            throw new InvalidInputException(node + ": missing input " + name);
        }
        if (in[i].dataType() != DataType.FLOAT) {
            throw new InvalidInputException(node + ": " + name + " must be float32, got " + in[i].dataType());
        }
        return in[i];
    }

    private static void check(Node node, boolean ok, long[] qs, long[] ks, long[] vs) {
        if (!ok) {
            throw new InvalidInputException(node + ": Q " + Arrays.toString(qs) + ", K " + Arrays.toString(ks)
                    + " and V " + Arrays.toString(vs) + " do not form one attention (batch and head dims must match)");
        }
    }
}
