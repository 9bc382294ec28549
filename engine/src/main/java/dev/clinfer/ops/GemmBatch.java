package dev.clinfer.ops;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/**
 * The shape plan of a numpy-style (batched, broadcasting) matrix product: 1-D operands are
 * promoted to matrices and the promoted dim dropped from the result; leading dims broadcast.
 * Gives, per output batch, the element offsets of its A and B matrices.
 */
final class GemmBatch {
    final int m;
    final int n;
    final int k;
    /** Number of output matrices. */
    final int batches;
    /** Per output batch: offset (in elements) of its A matrix. */
    final int[] aOffsets;
    /** Per output batch: offset of its B matrix. */
    final int[] bOffsets;
    /** Per output batch: index of its A batch (for per-batch zero points). */
    final int[] aBatchIndex;
    /** Per output batch: index of its B batch. */
    final int[] bBatchIndex;
    /** Number of A matrices as stored. */
    final int aBatchCount;
    /** Number of B matrices as stored. */
    final int bBatchCount;
    final long[] outShape;
    /**
     * True when B is one shared matrix and A's batches are contiguous and not broadcast: the
     * whole product is then one GEMM with {@code batches * m} rows.
     */
    final boolean foldable;

    private GemmBatch(int m, int n, int k, long[] batchShape, long[] aBatch, long[] bBatch, long[] outShape) {
        this.m = m;
        this.n = n;
        this.k = k;
        this.outShape = outShape;
        this.batches = OpUtil.size(batchShape);
        this.aBatchCount = OpUtil.size(aBatch);
        this.bBatchCount = OpUtil.size(bBatch);
        this.aBatchIndex = OpUtil.broadcastIndex(aBatch, batchShape);
        this.bBatchIndex = OpUtil.broadcastIndex(bBatch, batchShape);
        this.aOffsets = new int[batches];
        this.bOffsets = new int[batches];
        for (int i = 0; i < batches; i++) {
            aOffsets[i] = aBatchIndex[i] * m * k;
            bOffsets[i] = bBatchIndex[i] * k * n;
        }
        this.foldable = bBatchCount == 1 && aBatchCount == batches;
    }

    /**
     * @param node   for error messages
     * @param aShape shape of A
     * @param bShape shape of B
     * @return the plan
     */
    static GemmBatch plan(Node node, long[] aShape, long[] bShape) {
        if (aShape.length == 0 || bShape.length == 0) {
            throw new InvalidInputException(node + ": MatMul operands must have rank >= 1, got "
                    + Arrays.toString(aShape) + " and " + Arrays.toString(bShape));
        }
        boolean aVec = aShape.length == 1;
        boolean bVec = bShape.length == 1;
        long[] a = aVec ? new long[] {1, aShape[0]} : aShape;
        long[] b = bVec ? new long[] {bShape[0], 1} : bShape;
        long m = a[a.length - 2];
        long ka = a[a.length - 1];
        long kb = b[b.length - 2];
        long n = b[b.length - 1];
        if (ka != kb) {
            throw new InvalidInputException(node + ": inner dims differ: A " + Arrays.toString(aShape) + " x B "
                    + Arrays.toString(bShape) + " (" + ka + " vs " + kb + ")");
        }
        long[] aBatch = Arrays.copyOf(a, a.length - 2);
        long[] bBatch = Arrays.copyOf(b, b.length - 2);
        long[] batch = OpUtil.broadcastShape(node, aBatch, bBatch);
        int outRank = batch.length + (aVec ? 0 : 1) + (bVec ? 0 : 1);
        long[] out = Arrays.copyOf(batch, outRank);
        int o = batch.length;
        if (!aVec) {
            out[o++] = m;
        }
        if (!bVec) {
            out[o] = n;
        }
        return new GemmBatch((int) m, (int) n, (int) ka, batch, aBatch, bBatch, out);
    }
}
