package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.api.UnsupportedOperatorException;
import dev.clinfer.cpu.GemmKernel;
import dev.clinfer.cpu.GemmPackedB;
import dev.clinfer.cpu.GemmWeightCache;
import dev.clinfer.ir.Node;

import java.util.Arrays;
import java.util.List;

/** Java CPU kernels: MatMul, Gemm and their integer forms. */
public final class MatMulOps {
    /** Below this many flops per matrix, a batch runs one matrix per task instead of splitting each. */
    private static final long SMALL_MATRIX_FLOPS = 1L << 22;

    private MatMulOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        r.register("MatMul", MatMulOps::matMul);
        r.register("Gemm", MatMulOps::gemm);
        r.register("MatMulInteger", MatMulOps::matMulInteger);
    }

    static Tensor[] matMul(Node node, Tensor[] in, ExecContext ctx) {
        Tensor a = require(node, in, 0, "A");
        Tensor b = require(node, in, 1, "B");
        if (a.dataType() != b.dataType()) {
            throw new InvalidInputException(node + ": A is " + a.dataType() + " but B is " + b.dataType());
        }
        GemmBatch p = GemmBatch.plan(node, a.shape(), b.shape());
        DataType t = a.dataType();
        // Every supported branch below stores a full output array; other types throw.
        Tensor out = ctx.allocateUninitialized(t, p.outShape);
        if (out.size() == 0) {
            return new Tensor[] {out};
        }
        switch (t) {
            case FLOAT: case FLOAT16: case BFLOAT16: {
                float[] c = new float[out.numel()];
                if (p.k > 0) {
                    GemmPackedB pb = p.foldable && p.n >= GemmKernel.SMALL_N ? constantB(b, false, p.k, p.n, ctx)
                            : null;
                    if (pb != null) {
                        GemmKernel.sgemmPacked(p.batches * p.m, 1f, a.toFloatArray(), 0, p.k, pb, 0f, c, 0, p.n, ctx);
                    } else {
                        floatBatched(p, a.toFloatArray(), b.toFloatArray(), c, ctx);
                    }
                }
                putFloats(out, c);
                break;
            }
            case DOUBLE: {
                double[] c = new double[out.numel()];
                GemmGeneric.dgemm(p, a.toDoubleArray(), b.toDoubleArray(), c, ctx);
                out.doubles().put(c);
                break;
            }
            case INT32: case INT64: case UINT32: case UINT64: case INT16: case UINT16: case INT8: case UINT8: {
                long[] c = new long[out.numel()];
                GemmGeneric.lgemm(p, a.toLongArray(), b.toLongArray(), c, ctx);
                for (int i = 0; i < c.length; i++) {
                    out.setLong(i, c[i]);
                }
                break;
            }
            default:
                throw new UnsupportedOperatorException(node + ": MatMul does not support " + t);
        }
        return new Tensor[] {out};
    }

    /**
     * Runs a batched float32 product: one GEMM when the batch folds into rows, else one GEMM
     * per matrix, in parallel across matrices when they are small.
     *
     * @param p   plan
     * @param a   A elements
     * @param b   B elements
     * @param c   output elements
     * @param ctx pool
     */
    static void floatBatched(GemmBatch p, float[] a, float[] b, float[] c, ExecContext ctx) {
        int m = p.m;
        int n = p.n;
        int k = p.k;
        if (p.foldable) {
            GemmKernel.sgemm(p.batches * m, n, k, 1f, a, 0, k, false, b, 0, n, false, 0f, c, 0, n, ctx);
            return;
        }
        long flops = 2L * m * n * k;
        if (p.batches > 1 && (flops < SMALL_MATRIX_FLOPS || p.batches >= 4 * ctx.threads())) {
            ctx.parallelFor(p.batches, flops, (s, e) -> {
                for (int bt = s; bt < e; bt++) {
                    GemmKernel.sgemm(m, n, k, 1f, a, p.aOffsets[bt], k, false, b, p.bOffsets[bt], n, false,
                            0f, c, bt * m * n, n, null);
                }
            });
        } else {
            for (int bt = 0; bt < p.batches; bt++) {
                GemmKernel.sgemm(m, n, k, 1f, a, p.aOffsets[bt], k, false, b, p.bOffsets[bt], n, false,
                        0f, c, bt * m * n, n, ctx);
            }
        }
    }

    static Tensor[] gemm(Node node, Tensor[] in, ExecContext ctx) {
        Tensor a = require(node, in, 0, "A");
        Tensor b = require(node, in, 1, "B");
        Tensor bias = in.length > 2 ? in[2] : null;
        if (a.rank() != 2 || b.rank() != 2) {
            throw new InvalidInputException(node + ": Gemm needs 2-D A and B, got " + Arrays.toString(a.shape())
                    + " and " + Arrays.toString(b.shape()));
        }
        boolean transA = node.attrInt("transA", 0) != 0;
        boolean transB = node.attrInt("transB", 0) != 0;
        float alpha = node.attrFloat("alpha", 1f);
        float beta = node.attrFloat("beta", 1f);
        int m = (int) (transA ? a.dim(1) : a.dim(0));
        int k = (int) (transA ? a.dim(0) : a.dim(1));
        int kb = (int) (transB ? b.dim(1) : b.dim(0));
        int n = (int) (transB ? b.dim(0) : b.dim(1));
        if (k != kb) {
            throw new InvalidInputException(node + ": inner dims differ: op(A) is " + m + "x" + k + " but op(B) is "
                    + kb + "x" + n);
        }
        long[] outShape = {m, n};
        if (bias != null) {
            long[] bs = OpUtil.broadcastShape(node, bias.shape(), outShape);
            if (!Arrays.equals(bs, outShape)) {
                throw new InvalidInputException(node + ": C " + Arrays.toString(bias.shape())
                        + " does not broadcast to " + Arrays.toString(outShape));
            }
        }
        boolean addC = bias != null && beta != 0f;
        DataType t = a.dataType();
        Tensor out = ctx.allocateUninitialized(t, outShape); // every branch below writes all m * n values
        if (out.size() == 0) {
            return new Tensor[] {out};
        }
        int size = m * n;
        if (t == DataType.FLOAT) {
            // Staged in per-thread arrays: C is fully written (bias copy or beta 0 overwrite).
            float[] c = FloatScratch.take(FloatScratch.GEMM_C, size);
            float[] av = FloatScratch.take(FloatScratch.GEMM_A, a.numel());
            a.floats().get(0, av, 0, a.numel());
            floatGemm(a, b, bias, addC, transA, transB, alpha, beta, m, n, k, av, c, ctx);
            out.floats().put(0, c, 0, size);
            FloatScratch.give(FloatScratch.GEMM_A, av);
            FloatScratch.give(FloatScratch.GEMM_C, c);
        } else if (t == DataType.FLOAT16 || t == DataType.BFLOAT16) {
            float[] c = new float[size];
            floatGemm(a, b, bias, addC, transA, transB, alpha, beta, m, n, k, a.toFloatArray(), c, ctx);
            putFloats(out, c);
        } else {
            double[] c = null;
            if (addC) {
                int[] biasIndex = OpUtil.broadcastIndex(bias.shape(), outShape);
                double[] bv = bias.toDoubleArray();
                c = new double[size];
                for (int i = 0; i < size; i++) {
                    c[i] = bv[biasIndex[i]];
                }
            }
            double[] o = new double[size];
            GemmGeneric.gemm2d(m, n, k, alpha, a.toDoubleArray(), transA, b.toDoubleArray(), transB, beta, c, o, ctx);
            for (int i = 0; i < size; i++) {
                out.setDouble(i, o[i]);
            }
        }
        return new Tensor[] {out};
    }

    /** Gemm on float arrays: C (m x n, row stride n) = alpha op(A) op(B) + beta bias. */
    private static void floatGemm(Tensor a, Tensor b, Tensor bias, boolean addC, boolean transA, boolean transB,
                                  float alpha, float beta, int m, int n, int k, float[] av, float[] c,
                                  ExecContext ctx) {
        float cBeta = 0f;
        if (addC) {
            broadcastInto(bias.toFloatArray(), bias.shape(), c, m, n);
            cBeta = beta;
        }
        GemmPackedB pb = k > 0 && n >= GemmKernel.SMALL_N ? constantB(b, transB, k, n, ctx) : null;
        if (pb != null) {
            GemmKernel.sgemmPacked(m, alpha, av, 0, (int) a.dim(1), transA, pb, cBeta, c, 0, n, ctx);
        } else {
            GemmKernel.sgemm(m, n, k, alpha, av, 0, (int) a.dim(1), transA,
                    b.toFloatArray(), 0, (int) b.dim(1), transB, cBeta, c, 0, n, ctx);
        }
    }

    /**
     * Writes Gemm's C, broadcast to [m, n], into c. The shapes transformer and CNN exports use
     * (a row [n] or [1, n], a column [m, 1], a scalar, a full [m, n]) are row copies and fills;
     * an index map per element (the general case) cost 6-8% of MiniLM-L6's time.
     *
     * @param bv     C's elements
     * @param bShape C's shape (already checked to broadcast to [m, n])
     * @param c      destination, m * n
     * @param m      rows
     * @param n      columns
     */
    static void broadcastInto(float[] bv, long[] bShape, float[] c, int m, int n) {
        int rank = bShape.length;
        long last = rank == 0 ? 1 : bShape[rank - 1];
        if (bv.length == 1) {
            Arrays.fill(c, 0, m * n, bv[0]);
        } else if (bv.length == m * n) {
            System.arraycopy(bv, 0, c, 0, m * n);
        } else if (bv.length == n && last == n) {
            for (int r = 0; r < m; r++) {
                System.arraycopy(bv, 0, c, r * n, n);
            }
        } else if (bv.length == m && last == 1) {
            for (int r = 0; r < m; r++) {
                Arrays.fill(c, r * n, (r + 1) * n, bv[r]);
            }
        } else {
            int[] index = OpUtil.broadcastIndex(bShape, new long[] {m, n});
            for (int i = 0; i < m * n; i++) {
                c[i] = bv[index[i]];
            }
        }
    }

    /**
     * The packed form of a constant right-hand operand, made once per session; null when B is
     * not a graph constant (then the caller packs per call as part of the GEMM).
     */
    private static GemmPackedB constantB(Tensor b, boolean transB, int k, int n, ExecContext ctx) {
        if (!GemmWeightCache.isConstant(b)) {
            return null;
        }
        List<Object> key = List.of("gemmB", GemmKernel.VECTOR, transB, k, n);
        return GemmWeightCache.get(b, key, (long) k * n, () -> GemmPackedB.pack(b.toFloatArray(), 0,
                transB ? k : n, transB, k, n, ctx, true));
    }

    static Tensor[] matMulInteger(Node node, Tensor[] in, ExecContext ctx) {
        Tensor a = require(node, in, 0, "A");
        Tensor b = require(node, in, 1, "B");
        Tensor aZp = in.length > 2 ? in[2] : null;
        Tensor bZp = in.length > 3 ? in[3] : null;
        GemmBatch p = GemmBatch.plan(node, a.shape(), b.shape());
        Tensor out = ctx.allocate(DataType.INT32, p.outShape);
        if (out.size() == 0) {
            return new Tensor[] {out};
        }
        int[] av = QuantMath.centered(a, aZp, p.aBatchCount, p.m, p.k, true, node, "a_zero_point");
        int[] bv = QuantMath.centered(b, bZp, p.bBatchCount, p.k, p.n, false, node, "b_zero_point");
        int[] c = new int[out.numel()];
        GemmGeneric.igemm(p, av, bv, c, ctx);
        out.ints().put(c);
        return new Tensor[] {out};
    }

    /** Writes float results into a float32, float16 or bfloat16 tensor. */
    static void putFloats(Tensor out, float[] c) {
        if (out.dataType() == DataType.FLOAT) {
            out.floats().put(c);
        } else {
            for (int i = 0; i < c.length; i++) {
                out.setDouble(i, c[i]);
            }
        }
    }

    /** @return input i, or null when omitted */
    static Tensor optional(Tensor[] in, int i) {
        return in.length > i ? in[i] : null;
    }

    static Tensor require(Node node, Tensor[] in, int i, String name) {
        if (in.length <= i || in[i] == null) {
            throw new InvalidInputException(node + ": missing input " + i + " (" + name + ")");
        }
        return in[i];
    }
}
