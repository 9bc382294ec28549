package dev.clinfer.ops;

import dev.clinfer.api.Tensor;
import dev.clinfer.cpu.GemmKernel;
import dev.clinfer.cpu.GemmPackedA;
import dev.clinfer.cpu.GemmPackedB;
import dev.clinfer.cpu.GemmWeightCache;

import java.util.List;

/**
 * The float32 ConvTranspose kernel: per image and group, a GEMM of the transposed weights with
 * the input gives every (output channel, kernel tap) contribution of every input position;
 * col2im then adds them into the output.
 */
final class ConvTransposeFloat {
    private ConvTransposeFloat() {
    }

    /**
     * @param g    geometry from {@link ConvGeometry#forTranspose}
     * @param x    input {@code [n, c, in...]}
     * @param w    weights {@code [c, mg, k...]} (packed once per session when constant)
     * @param bias per output channel, or null
     * @param y    output {@code [n, m, out...]}, zero-filled
     * @param ctx  pool
     */
    static void run(ConvGeometry g, float[] x, Tensor w, float[] bias, float[] y, ExecContext ctx) {
        if (g.outSize == 0 || g.n == 0 || g.m == 0) {
            return;
        }
        int rows = g.mg * g.kernelSize;
        GemmPackedA[] wt = packedWeights(g, w, ctx);
        float[] col = new float[rows * g.inSize];
        for (int gr = 0; gr < g.group; gr++) {
            for (int img = 0; img < g.n; img++) {
                int xOff = (img * g.c + gr * g.cg) * g.inSize;
                GemmPackedB xb = GemmPackedB.pack(x, xOff, g.inSize, false, g.cg, g.inSize, ctx);
                GemmKernel.multiply(wt[gr], xb, col, 0, g.inSize, false, null, Float.NEGATIVE_INFINITY,
                        Float.POSITIVE_INFINITY, ctx);
                xb.release();
                int yBase = (img * g.m + gr * g.mg) * g.outSize;
                ctx.parallelFor(g.mg, (long) g.kernelSize * g.inSize, (s, e) -> {
                    for (int oc = s; oc < e; oc++) {
                        col2im(g, col, oc * g.kernelSize, y, yBase + oc * g.outSize);
                    }
                });
            }
        }
        if (bias != null) {
            ConvFloat.addBias(g.n, g.m, g.outSize, bias, y, ctx);
        }
    }

    /** Per group, W[gr] ({@code cg x rows}) transposed to the GEMM's {@code rows x cg} and packed. */
    private static GemmPackedA[] packedWeights(ConvGeometry g, Tensor w, ExecContext ctx) {
        int rows = g.mg * g.kernelSize;
        List<Object> key = List.of("convTransposeA", GemmKernel.VECTOR, g.group, g.cg, rows);
        return GemmWeightCache.get(w, key, (long) g.c * rows + 64L * g.group, () -> {
            float[] wf = w.toFloatArray();
            GemmPackedA[] p = new GemmPackedA[g.group];
            for (int gr = 0; gr < g.group; gr++) {
                p[gr] = GemmPackedA.pack(wf, gr * g.cg * rows, rows, true, rows, g.cg, 1f, ctx);
            }
            return p;
        });
    }

    /** Adds rows {@code [row0, row0 + kernelSize)} of col (one output channel) into its plane. */
    private static void col2im(ConvGeometry g, float[] col, int row0, float[] y, int yPlane) {
        if (g.dims == 2) {
            col2im2d(g, col, row0, y, yPlane);
            return;
        }
        int dims = g.dims;
        int[] outStride = new int[dims];
        int acc = 1;
        for (int d = dims - 1; d >= 0; d--) {
            outStride[d] = acc;
            acc *= g.out[d];
        }
        int[] shift = new int[dims];
        int[] pos = new int[dims];
        for (int tap = 0; tap < g.kernelSize; tap++) {
            int rem = tap;
            for (int d = dims - 1; d >= 0; d--) {
                shift[d] = (rem % g.kernel[d]) * g.dilations[d] - g.padsBegin[d];
                rem /= g.kernel[d];
            }
            int rowOff = (row0 + tap) * g.inSize;
            java.util.Arrays.fill(pos, 0);
            for (int i = 0; i < g.inSize; i++) {
                int off = yPlane;
                boolean inside = true;
                for (int d = 0; d < dims; d++) {
                    int o = pos[d] * g.strides[d] + shift[d];
                    if (o < 0 || o >= g.out[d]) {
                        inside = false;
                        break;
                    }
                    off += o * outStride[d];
                }
                if (inside) {
                    y[off] += col[rowOff + i];
                }
                for (int d = dims - 1; d >= 0; d--) {
                    if (++pos[d] < g.in[d]) {
                        break;
                    }
                    pos[d] = 0;
                }
            }
        }
    }

    private static void col2im2d(ConvGeometry g, float[] col, int row0, float[] y, int yPlane) {
        int ih = g.in[0];
        int iw = g.in[1];
        int oh = g.out[0];
        int ow = g.out[1];
        int kw = g.kernel[1];
        int sh = g.strides[0];
        int sw = g.strides[1];
        for (int tap = 0; tap < g.kernelSize; tap++) {
            int ky = tap / kw;
            int kx = tap % kw;
            int yShift = ky * g.dilations[0] - g.padsBegin[0];
            int xShift = kx * g.dilations[1] - g.padsBegin[1];
            // Input columns whose output column lies inside the result.
            int lo = Math.max(0, ConvIm2col.ceilDiv(-xShift, sw));
            int hi = Math.min(iw, Math.floorDiv(ow - 1 - xShift, sw) + 1);
            int rowOff = (row0 + tap) * g.inSize;
            for (int iy = 0; iy < ih; iy++) {
                int oy = iy * sh + yShift;
                if (oy < 0 || oy >= oh) {
                    continue;
                }
                int yRow = yPlane + oy * ow + xShift;
                int cRow = rowOff + iy * iw;
                for (int ix = lo; ix < hi; ix++) {
                    y[yRow + ix * sw] += col[cRow + ix];
                }
            }
        }
    }
}
