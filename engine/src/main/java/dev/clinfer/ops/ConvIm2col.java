package dev.clinfer.ops;

import dev.clinfer.cpu.GemmPackedB;

/**
 * im2col for Conv: row {@code ch * kernelSize + kernelIndex} of the column matrix holds, for
 * every output position, the input element that kernel tap reads (0 in the padding). Rows are
 * written straight into a {@link GemmPackedB}.
 */
final class ConvIm2col {
    private ConvIm2col() {
    }

    /**
     * Fills rows {@code [r0, r1)} of {@code cols} from one image and group of X.
     *
     * @param g    geometry
     * @param x    input elements
     * @param xOff offset of the group's first channel of the image
     * @param cols destination, {@code cg * kernelSize} rows by {@code outSize} columns
     * @param r0   first row
     * @param r1   one past the last row
     */
    static void fill(ConvGeometry g, float[] x, int xOff, GemmPackedB cols, int r0, int r1) {
        float[] buf = new float[g.outSize];
        for (int r = r0; r < r1; r++) {
            int ch = r / g.kernelSize;
            int tap = r % g.kernelSize;
            int chOff = xOff + ch * g.inSize;
            if (g.dims == 2) {
                row2d(g, x, chOff, tap, buf);
            } else {
                rowNd(g, x, chOff, tap, buf);
            }
            cols.setRow(r, buf, 0);
        }
    }

    private static void row2d(ConvGeometry g, float[] x, int chOff, int tap, float[] buf) {
        int kw = g.kernel[1];
        int kh = tap / kw;
        int kx = tap % kw;
        int h = g.in[0];
        int w = g.in[1];
        int oh = g.out[0];
        int ow = g.out[1];
        int sh = g.strides[0];
        int sw = g.strides[1];
        int yShift = kh * g.dilations[0] - g.padsBegin[0];
        int xShift = kx * g.dilations[1] - g.padsBegin[1];
        // Output columns whose input column lies inside the image.
        int lo = Math.max(0, ceilDiv(-xShift, sw));
        int hi = Math.min(ow, Math.floorDiv(w - 1 - xShift, sw) + 1);
        for (int oy = 0; oy < oh; oy++) {
            int j = oy * ow;
            int iy = oy * sh + yShift;
            if (iy < 0 || iy >= h || hi <= lo) {
                java.util.Arrays.fill(buf, j, j + ow, 0f);
                continue;
            }
            int rowOff = chOff + iy * w + xShift;
            for (int ox = 0; ox < lo; ox++) {
                buf[j + ox] = 0f;
            }
            if (sw == 1) {
                System.arraycopy(x, rowOff + lo, buf, j + lo, hi - lo);
            } else {
                for (int ox = lo; ox < hi; ox++) {
                    buf[j + ox] = x[rowOff + ox * sw];
                }
            }
            for (int ox = Math.max(lo, hi); ox < ow; ox++) {
                buf[j + ox] = 0f;
            }
        }
    }

    private static void rowNd(ConvGeometry g, float[] x, int chOff, int tap, float[] buf) {
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
        for (int j = 0; j < g.outSize; j++) {
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
            buf[j] = inside ? x[off] : 0f;
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
