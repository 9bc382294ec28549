package dev.clinfer.ops;

import dev.clinfer.cpu.GemmBSource;
import dev.clinfer.cpu.GemmKernel;

/**
 * im2col for Conv as a GEMM operand: row {@code ch * kernelSize + kernelIndex} of the column
 * matrix holds, for every output position, the input element that kernel tap reads (0 in the
 * padding). The GEMM asks for it a block at a time ({@link GemmBSource}), so the matrix, nine
 * times the input for a 3x3 kernel, never exists whole: each block goes straight into the
 * cache-resident buffer the micro-kernel reads.
 */
final class ConvIm2col implements GemmBSource {
    private final ConvGeometry g;
    private final float[] x;
    private final int xOff;

    /** A row segment when panels are narrower than the block (one per thread). */
    private static final ThreadLocal<float[]> SEGMENT = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * @param g    geometry
     * @param x    input elements
     * @param xOff offset of the group's first channel of the image
     */
    ConvIm2col(ConvGeometry g, float[] x, int xOff) {
        this.g = g;
        this.x = x;
        this.xOff = xOff;
    }

    @Override
    public int k() {
        return g.cg * g.kernelSize;
    }

    @Override
    public int n() {
        return g.outSize;
    }

    @Override
    public void pack(int k0, int kc, int j0, int j1, int nr, float[] dst) {
        int len = j1 - j0;
        float[] seg = null;
        if (len > nr) {
            seg = SEGMENT.get();
            if (seg.length < len) {
                seg = new float[len];
                SEGMENT.set(seg);
            }
        }
        for (int kk = 0; kk < kc; kk++) {
            int r = k0 + kk;
            int ch = r / g.kernelSize;
            int tap = r % g.kernelSize;
            int chOff = xOff + ch * g.inSize;
            float[] out = seg == null ? dst : seg;
            int outOff = seg == null ? kk * nr : 0;
            if (g.dims == 2) {
                row2d(chOff, tap, j0, j1, out, outOff);
            } else {
                rowNd(chOff, tap, j0, j1, out, outOff);
            }
            if (seg != null) {
                for (int p = 0, pj = 0; pj < len; p++, pj += nr) {
                    System.arraycopy(seg, pj, dst, p * kc * nr + kk * nr, Math.min(nr, len - pj));
                }
            }
        }
    }

    /** Output positions {@code [j0, j1)} of one 2-D tap row into {@code out} from {@code outOff}. */
    private void row2d(int chOff, int tap, int j0, int j1, float[] out, int outOff) {
        int kw = g.kernel[1];
        int kh = tap / kw;
        int kx = tap % kw;
        int h = g.in[0];
        int w = g.in[1];
        int ow = g.out[1];
        int sh = g.strides[0];
        int sw = g.strides[1];
        int yShift = kh * g.dilations[0] - g.padsBegin[0];
        int xShift = kx * g.dilations[1] - g.padsBegin[1];
        // Output columns whose input column lies inside the image.
        int lo = Math.min(ow, Math.max(0, ceilDiv(-xShift, sw)));
        int hi = Math.max(lo, Math.min(ow, Math.floorDiv(w - 1 - xShift, sw) + 1));
        int oy = j0 / ow;
        int ox0 = j0 - oy * ow;
        int o = outOff - ox0;
        for (int j = j0; j < j1; oy++, ox0 = 0) {
            int ox1 = Math.min(ow, ox0 + (j1 - j));
            int iy = oy * sh + yShift;
            if (iy < 0 || iy >= h || hi <= lo) {
                zero(out, o + ox0, o + ox1);
            } else {
                int rowOff = chOff + iy * w + xShift;
                int a = Math.max(ox0, lo);
                int b = Math.min(ox1, hi);
                if (a > ox0) {
                    zero(out, o + ox0, o + Math.min(a, ox1));
                }
                if (b > a) {
                    if (sw == 1) {
                        System.arraycopy(x, rowOff + a, out, o + a, b - a);
                    } else if (sw == 2 && GemmKernel.VECTOR) {
                        VectorSplit.evens(x, rowOff, out, o, a, b);
                    } else {
                        for (int ox = a; ox < b; ox++) {
                            out[o + ox] = x[rowOff + ox * sw];
                        }
                    }
                }
                int z = Math.max(Math.max(a, b), ox0);
                if (z < ox1) {
                    zero(out, o + z, o + ox1);
                }
            }
            j += ox1 - ox0;
            o += ow;
        }
    }

    /**
     * Zeros {@code out[from, to)}. The padding runs here are mostly one or two elements (a 3x3
     * tap at an image edge); a plain loop costs less than {@code Arrays.fill}'s call and range
     * check, which took ~5% of squeezenet1_1's samples.
     */
    private static void zero(float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = 0f;
        }
    }

    private void rowNd(int chOff, int tap, int j0, int j1, float[] out, int outOff) {
        int dims = g.dims;
        int[] shift = new int[dims];
        int rem = tap;
        for (int d = dims - 1; d >= 0; d--) {
            shift[d] = (rem % g.kernel[d]) * g.dilations[d] - g.padsBegin[d];
            rem /= g.kernel[d];
        }
        int[] inStride = new int[dims];
        int acc = 1;
        for (int d = dims - 1; d >= 0; d--) {
            inStride[d] = acc;
            acc *= g.in[d];
        }
        int[] o = new int[dims];
        int r = j0;
        for (int d = dims - 1; d >= 0; d--) {
            o[d] = r % g.out[d];
            r /= g.out[d];
        }
        for (int j = j0; j < j1; j++) {
            int off = chOff;
            boolean inside = true;
            for (int d = 0; d < dims; d++) {
                int i = o[d] * g.strides[d] + shift[d];
                if (i < 0 || i >= g.in[d]) {
                    inside = false;
                    break;
                }
                off += i * inStride[d];
            }
            out[outOff + j - j0] = inside ? x[off] : 0f;
            for (int d = dims - 1; d >= 0; d--) {
                if (++o[d] < g.out[d]) {
                    break;
                }
                o[d] = 0;
            }
        }
    }

    static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
