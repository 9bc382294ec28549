package dev.clinfer.ops;

import dev.clinfer.api.Tensor;
import dev.clinfer.cpu.GemmKernel;
import dev.clinfer.cpu.GemmPackedA;
import dev.clinfer.cpu.GemmBSource;
import dev.clinfer.cpu.GemmEpilogue;
import dev.clinfer.cpu.GemmSink;
import dev.clinfer.cpu.GemmWeightCache;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * The float32 Conv kernel: depthwise 2-D convolutions by {@link ConvDepthwiseRows} or
 * {@link ConvDepthwiseVector} on the Vector API and {@link ConvDepthwise} without it, everything else
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
     * @param x    input {@code [n, c, in...]} (a tensor's buffer, or a wrapped array)
     * @param w    weights {@code [m, cg, k...]} (float32, float16 or bfloat16)
     * @param bias per output channel, or null
     * @param ep   what follows the bias (residual sum, clamp, activation)
     * @param y    output {@code [n, m, out...]}; every element is written
     * @param ctx  pool
     */
    static void run(ConvGeometry g, FloatBuffer x, Tensor w, float[] bias, ConvEpilogue ep, FloatBuffer y,
                    ExecContext ctx) {
        if (g.outSize == 0 || g.n == 0 || g.m == 0) {
            return;
        }
        int total = g.n * g.m * g.outSize;
        if (g.dims == 2 && g.cg == 1 && g.group == g.c) {
            float[] wf = GemmWeightCache.get(w, "f32", w.numel(), w::toFloatArray);
            if (GemmKernel.VECTOR && ConvDepthwiseRows.supports(g)) {
                ConvDepthwiseRows.run(g, x, wf, bias, ep, y, ctx);
                return;
            }
            if (GemmKernel.VECTOR && ConvDepthwiseVector.supports(g)) {
                ConvDepthwiseVector.run(g, x, wf, bias, ep, y, ctx);
                return;
            }
            float[] ya = FloatScratch.convOutput(y, total);
            ConvDepthwise.run(g, FloatScratch.convInput(x, g.n * g.c * g.inSize), wf, bias, ep.kernelLo(),
                    ep.kernelHi(), ya, ctx);
            ConvEpilogue after = ep.afterKernel();
            if (after != null) {
                after.applyAll(ya, total, ctx);
            }
            if (!y.hasArray() || ya != y.array()) {
                y.put(0, ya, 0, total);
            }
            return;
        }
        // im2col reads single elements all over the input: an array serves it best.
        float[] xa = g.isPointwise() ? null : FloatScratch.convInput(x, g.n * g.c * g.inSize);
        GemmEpilogue tail = ep.gemmTail();
        GemmPackedA[] packed = packedWeights(g, w, ctx);
        int jobs = g.n * g.group;
        long flops = 2L * g.mg * g.cg * g.kernelSize * g.outSize;
        if (jobs > 1 && (flops < SMALL_GROUP_FLOPS || g.group >= 4 * ctx.threads())) {
            ctx.parallelFor(jobs, flops, (s, e) -> {
                for (int j = s; j < e; j++) {
                    one(g, j / g.group, j % g.group, x, xa, packed[j % g.group], bias, ep, tail, y, null);
                }
            });
        } else {
            for (int j = 0; j < jobs; j++) {
                one(g, j / g.group, j % g.group, x, xa, packed[j % g.group], bias, ep, tail, y, ctx);
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

    /** One image {@code img}, one group {@code gr}: Y = (sum +) W[gr] * im2col(X[img, gr]) + bias, then the epilogue. */
    private static void one(ConvGeometry g, int img, int gr, FloatBuffer x, float[] xa, GemmPackedA w, float[] bias,
                            ConvEpilogue ep, GemmEpilogue tail, FloatBuffer y, ExecContext ctx) {
        int xOff = (img * g.c + gr * g.cg) * g.inSize;
        int yOff = (img * g.m + gr * g.mg) * g.outSize;
        float[] rowBias = bias == null || g.group == 1 ? bias : Arrays.copyOfRange(bias, gr * g.mg, (gr + 1) * g.mg);
        GemmBSource src = xa == null ? GemmBSource.buffer(x, xOff, g.inSize, g.cg, g.outSize)
                : new ConvIm2col(g, xa, xOff);
        GemmKernel.multiply(w, src, new GemmSink(y, yOff, g.outSize, ep.sum), rowBias, ep.lo, ep.hi, tail, ctx);
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
