package dev.clinfer.ops;

import dev.clinfer.api.Tensor;
import dev.clinfer.cpu.GemmKernel;
import dev.clinfer.cpu.GemmPackedA;
import dev.clinfer.cpu.GemmBSource;
import dev.clinfer.cpu.GemmEpilogue;
import dev.clinfer.cpu.GemmWeightCache;

import java.util.Arrays;
import java.util.List;

/**
 * The float32 Conv kernel: depthwise 2-D convolutions by {@link ConvDepthwise}, everything else
 * as one GEMM per image and group, {@code Y = W * cols}, where cols is X itself for a pointwise
 * (1x1) convolution and the im2col matrix otherwise (written straight into the packed GEMM
 * operand). W is packed once per session for constant weights ({@link GemmWeightCache}); bias,
 * a residual sum, a clamp (Relu, Clip) and other activations run in the GEMM's tiles while they
 * are in cache ({@link ConvEpilogue}).
 */
final class ConvFloat {
    /** Below this many flops per (image, group) GEMM, groups run one per task. */
    private static final long SMALL_GROUP_FLOPS = 1L << 21;

    private ConvFloat() {
    }

    /**
     * @param g    geometry
     * @param x    input {@code [n, c, in...]}
     * @param w    weights {@code [m, cg, k...]} (float32, float16 or bfloat16)
     * @param bias per output channel, or null
     * @param ep   what follows the bias (residual sum, clamp, activation)
     * @param y    output {@code [n, m, out...]}; every element is written
     * @param ctx  pool
     */
    static void run(ConvGeometry g, float[] x, Tensor w, float[] bias, ConvEpilogue ep, float[] y,
                    ExecContext ctx) {
        if (g.outSize == 0 || g.n == 0 || g.m == 0) {
            return;
        }
        int total = g.n * g.m * g.outSize;
        if (g.dims == 2 && g.cg == 1 && g.group == g.c) {
            float[] wf = GemmWeightCache.get(w, "f32", w.numel(), w::toFloatArray);
            // With a residual the clamp must wait for the sum: the kernel then clamps nothing.
            float lo = ep.sum == null ? ep.lo : Float.NEGATIVE_INFINITY;
            float hi = ep.sum == null ? ep.hi : Float.POSITIVE_INFINITY;
            if (GemmKernel.VECTOR && ConvDepthwiseVector.supports(g)) {
                ConvDepthwiseVector.run(g, x, wf, bias, lo, hi, y, ctx);
            } else {
                ConvDepthwise.run(g, x, wf, bias, lo, hi, y, ctx);
            }
            if (ep.sum != null) {
                ep.applyAll(y, total, ctx);
            } else if (ep.act.kind() != FusedActivation.Kind.NONE) {
                new ConvEpilogue(ep.act, null).applyAll(y, total, ctx);
            }
            return;
        }
        boolean add = ep.sum != null;
        if (add) {
            // The GEMM accumulates onto the residual: Y = sum + W * cols, then bias and activation.
            ep.sum.get(0, y, 0, total);
        }
        GemmEpilogue tail = ep.gemmTail();
        GemmPackedA[] packed = packedWeights(g, w, ctx);
        int jobs = g.n * g.group;
        long flops = 2L * g.mg * g.cg * g.kernelSize * g.outSize;
        if (jobs > 1 && (flops < SMALL_GROUP_FLOPS || g.group >= 4 * ctx.threads())) {
            ctx.parallelFor(jobs, flops, (s, e) -> {
                for (int j = s; j < e; j++) {
                    one(g, j / g.group, j % g.group, x, packed[j % g.group], bias, ep, add, tail, y, null);
                }
            });
        } else {
            for (int j = 0; j < jobs; j++) {
                one(g, j / g.group, j % g.group, x, packed[j % g.group], bias, ep, add, tail, y, ctx);
            }
        }
    }

    /** W as one packed GEMM operand per group ({@code mg x cg * kernelSize}), cached when constant. */
    private static GemmPackedA[] packedWeights(ConvGeometry g, Tensor w, ExecContext ctx) {
        int kDepth = g.cg * g.kernelSize;
        List<Object> key = List.of("convA", GemmKernel.VECTOR, g.group, g.mg, kDepth);
        return GemmWeightCache.get(w, key, (long) g.m * kDepth + 64L * g.group, () -> {
            float[] wf = w.toFloatArray();
            GemmPackedA[] p = new GemmPackedA[g.group];
            for (int gr = 0; gr < g.group; gr++) {
                p[gr] = GemmPackedA.pack(wf, gr * g.mg * kDepth, kDepth, false, g.mg, kDepth, 1f, ctx);
            }
            return p;
        });
    }

    /** One image {@code img}, one group {@code gr}: Y (+)= W[gr] * im2col(X[img, gr]) + bias, then the epilogue. */
    private static void one(ConvGeometry g, int img, int gr, float[] x, GemmPackedA w, float[] bias, ConvEpilogue ep,
                            boolean add, GemmEpilogue tail, float[] y, ExecContext ctx) {
        int xOff = (img * g.c + gr * g.cg) * g.inSize;
        int yOff = (img * g.m + gr * g.mg) * g.outSize;
        float[] rowBias = bias == null || g.group == 1 ? bias : Arrays.copyOfRange(bias, gr * g.mg, (gr + 1) * g.mg);
        GemmBSource src = g.isPointwise() ? GemmBSource.matrix(x, xOff, g.inSize, false, g.cg, g.outSize)
                : new ConvIm2col(g, x, xOff);
        GemmKernel.multiply(w, src, y, yOff, g.outSize, add, rowBias, ep.lo, ep.hi, tail, ctx);
    }

    /** Adds {@code bias[ch]} to every element of plane {@code ch} of each image. */
    static void addBias(int n, int m, int plane, float[] bias, float[] y, ExecContext ctx) {
        ctx.parallelFor(n * m, plane, (s, e) -> {
            for (int p = s; p < e; p++) {
                float b = bias[p % m];
                int off = p * plane;
                for (int i = 0; i < plane; i++) {
                    y[off + i] += b;
                }
            }
        });
    }
}
