package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import org.junit.jupiter.api.Test;

import static dev.clinfer.ops.PoolTestSupport.assertClose;
import static dev.clinfer.ops.PoolTestSupport.assertShape;
import static dev.clinfer.ops.PoolTestSupport.node;
import static dev.clinfer.ops.PoolTestSupport.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class PoolOpsTest {
    /** Straightforward float64 2-D pooling over explicit pads, the reference for the kernels. */
    private static double[] naive2d(float[] x, int n, int c, int h, int w, int k, int s, int d, int pad, boolean max,
                                    boolean includePad, int oh, int ow) {
        double[] y = new double[n * c * oh * ow];
        for (int p = 0; p < n * c; p++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    int cnt = 0;
                    int padCnt = 0;
                    for (int a = 0; a < k; a++) {
                        for (int b = 0; b < k; b++) {
                            int yy = i * s - pad + a * d;
                            int xx = j * s - pad + b * d;
                            if (yy >= -pad && yy < h + pad && xx >= -pad && xx < w + pad) {
                                padCnt++;
                            }
                            if (yy < 0 || yy >= h || xx < 0 || xx >= w) {
                                continue;
                            }
                            double v = x[(p * h + yy) * w + xx];
                            acc = max ? Math.max(acc, v) : acc + v;
                            cnt++;
                        }
                    }
                    y[(p * oh + i) * ow + j] = max ? acc : acc / (includePad ? padCnt : cnt);
                }
            }
        }
        return y;
    }

    @Test
    void maxPoolMatchesNaiveWithPadsStridesDilations() {
        float[] x = random(1, 2 * 3 * 9 * 11);
        Tensor xt = Tensor.of(x, 2, 3, 9, 11);
        // out = floor((9 + 2 - 5) / 2) + 1 = 4 and floor((11 + 2 - 5) / 2) + 1 = 5
        Tensor y = node("MaxPool", 12).ints("kernel_shape", 3, 3).ints("strides", 2, 2).ints("dilations", 2, 2)
                .ints("pads", 1, 1, 1, 1).run(xt)[0];
        assertShape(y, 2, 3, 4, 5);
        assertClose(naive2d(x, 2, 3, 9, 11, 3, 2, 2, 1, true, false, 4, 5), y, 0);
    }

    @Test
    void fastPathMatchesNaiveForSeveralGeometries() {
        float[] x = random(5, 2 * 3 * 8 * 9);
        Tensor xt = Tensor.of(x, 2, 3, 8, 9);
        // (k, s, pad) -> out = floor((len + 2 pad - k) / s) + 1
        int[][] cases = {{3, 1, 1}, {2, 3, 0}, {5, 2, 2}, {1, 1, 0}};
        for (int[] c : cases) {
            int oh = (8 + 2 * c[2] - c[0]) / c[1] + 1;
            int ow = (9 + 2 * c[2] - c[0]) / c[1] + 1;
            for (boolean max : new boolean[] {true, false}) {
                Tensor y = node(max ? "MaxPool" : "AveragePool", 11).ints("kernel_shape", c[0], c[0])
                        .ints("strides", c[1], c[1]).ints("pads", c[2], c[2], c[2], c[2]).i("count_include_pad", 1).run(xt)[0];
                assertShape(y, 2, 3, oh, ow);
                assertClose(naive2d(x, 2, 3, 8, 9, c[0], c[1], 1, c[2], max, true, oh, ow), y, 1e-6);
            }
        }
    }

    @Test
    void maxPoolStride2OnWideRowsMatchesNaive() {
        // Rows of 32+ columns take the vectorised even/odd split; odd and even widths, with and
        // without padding.
        int[][] cases = {{67, 1}, {64, 0}, {113, 0}, {35, 1}};
        for (int[] c : cases) {
            int w = c[0];
            int pad = c[1];
            float[] x = random(w, 2 * 3 * 5 * w);
            int oh = (5 + 2 * pad - 3) / 2 + 1;
            int ow = (w + 2 * pad - 3) / 2 + 1;
            Tensor y = node("MaxPool", 12).ints("kernel_shape", 3, 3).ints("strides", 2, 2)
                    .ints("pads", pad, pad, pad, pad).run(Tensor.of(x, 2, 3, 5, w))[0];
            assertShape(y, 2, 3, oh, ow);
            assertClose(naive2d(x, 2, 3, 5, w, 3, 2, 1, pad, true, true, oh, ow), y, 0);
        }
    }

    @Test
    void averagePoolCountsPaddingOnlyWhenAsked() {
        float[] x = random(2, 1 * 2 * 7 * 7);
        Tensor xt = Tensor.of(x, 1, 2, 7, 7);
        for (int include = 0; include <= 1; include++) {
            Tensor y = node("AveragePool", 11).ints("kernel_shape", 3, 3).ints("strides", 2, 2).ints("pads", 1, 1, 1, 1)
                    .i("count_include_pad", include).run(xt)[0];
            assertShape(y, 1, 2, 4, 4);
            assertClose(naive2d(x, 1, 2, 7, 7, 3, 2, 1, 1, false, include == 1, 4, 4), y, 1e-6);
        }
    }

    @Test
    void averagePoolFloat64() {
        float[] x = random(3, 2 * 5 * 5);
        double[] xd = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            xd[k] = x[k];
        }
        Tensor y = node("AveragePool", 11).ints("kernel_shape", 2, 2).run(Tensor.ofDoubles(xd, 1, 2, 5, 5))[0];
        assertShape(y, 1, 2, 4, 4);
        assertClose(naive2d(x, 1, 2, 5, 5, 2, 1, 1, 0, false, false, 4, 4), y, 1e-12);
    }

    @Test
    void ceilModeAddsPartialWindow() {
        // 4x4 input, k=3, s=2: floor gives 1x1, ceil gives 2x2 (last window covers 2 elements each way).
        float[] x = new float[16];
        for (int k = 0; k < 16; k++) {
            x[k] = k + 1;
        }
        Tensor y = node("MaxPool", 12).ints("kernel_shape", 3, 3).ints("strides", 2, 2).i("ceil_mode", 1)
                .run(Tensor.of(x, 1, 1, 4, 4))[0];
        assertShape(y, 1, 1, 2, 2);
        assertClose(new double[] {11, 12, 15, 16}, y, 0);
        Tensor a = node("AveragePool", 11).ints("kernel_shape", 3, 3).ints("strides", 2, 2).i("ceil_mode", 1)
                .run(Tensor.of(x, 1, 1, 4, 4))[0];
        // windows: rows 0-2/cols 0-2, rows 0-2/cols 2-3, rows 2-3/cols 0-2, rows 2-3/cols 2-3
        assertClose(new double[] {6, 7.5, 12, 13.5}, a, 1e-6);
    }

    @Test
    void sameLowerPadsAtTheStart() {
        float[] x = {1, 2, 3, 4};
        // k=2, SAME_LOWER on length 4: one pad at the start, windows [pad,1],[1,2],[2,3],[3,4].
        Tensor y = node("AveragePool", 11).ints("kernel_shape", 2).s("auto_pad", "SAME_LOWER").run(Tensor.of(x, 1, 1, 4))[0];
        assertClose(new double[] {1, 1.5, 2.5, 3.5}, y, 1e-6);
        Tensor u = node("MaxPool", 12).ints("kernel_shape", 2).s("auto_pad", "SAME_UPPER").run(Tensor.of(x, 1, 1, 4))[0];
        assertClose(new double[] {2, 3, 4, 4}, u, 0);
    }

    @Test
    void maxPoolIndicesRowAndColumnMajor() {
        float[] x = {1, 9, 3, 4, 5, 6, 7, 8, 2};
        // 3x3 plane, 2x2 kernel: maxima 9 at (0,1), 9 at (0,1), 8 at (2,1), 8 at (2,1).
        Tensor[] r = node("MaxPool", 12).ints("kernel_shape", 2, 2).io(1, 2).run(Tensor.of(x, 1, 1, 3, 3));
        assertClose(new double[] {9, 9, 8, 8}, r[0], 0);
        assertArrayEquals(new long[] {1, 1, 7, 7}, r[1].toLongArray());
        Tensor[] c = node("MaxPool", 12).ints("kernel_shape", 2, 2).i("storage_order", 1).io(1, 2)
                .run(Tensor.of(x, 1, 1, 3, 3));
        // column-major: (h, w) -> h + w * 3
        assertArrayEquals(new long[] {3, 3, 5, 5}, c[1].toLongArray());
    }

    @Test
    void maxPoolUint8() {
        Tensor x = Tensor.ofBytes(DataType.UINT8, new byte[] {1, (byte) 200, 3, 4}, 1, 1, 2, 2);
        Tensor y = node("MaxPool", 12).ints("kernel_shape", 2, 2).run(x)[0];
        assertArrayEquals(new long[] {200}, y.toLongArray());
    }

    @Test
    void globalPools() {
        float[] x = {1, 2, 3, 4, -1, -2, -3, -6};
        Tensor xt = Tensor.of(x, 1, 2, 2, 2);
        Tensor avg = node("GlobalAveragePool", 1).run(xt)[0];
        assertShape(avg, 1, 2, 1, 1);
        assertClose(new double[] {2.5, -3}, avg, 1e-7);
        assertClose(new double[] {4, -1}, node("GlobalMaxPool", 1).run(xt)[0], 0);
        assertClose(new double[] {Math.sqrt(30), Math.sqrt(50)}, node("GlobalLpPool", 2).run(xt)[0], 1e-6);
    }

    /** Planes read in several bulk chunks: many small planes, and planes larger than a chunk. */
    @Test
    void globalPoolsOverSeveralChunks() {
        // Two threads split the planes into 8 tasks: each task covers several chunks.
        for (int[] shape : new int[][] {{1, 12000, 7, 7}, {2, 8, 200, 200}}) {
            int planes = shape[0] * shape[1];
            int size = shape[2] * shape[3];
            float[] x = random(3, planes * size);
            Tensor xt = Tensor.of(x, shape[0], shape[1], shape[2], shape[3]);
            double[] avg = new double[planes];
            double[] max = new double[planes];
            for (int p = 0; p < planes; p++) {
                double s = 0;
                double m = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < size; i++) {
                    s += x[p * size + i];
                    m = Math.max(m, x[p * size + i]);
                }
                avg[p] = s / size;
                max[p] = m;
            }
            assertClose(avg, node("GlobalAveragePool", 1).run(xt)[0], 1e-6);
            assertClose(max, node("GlobalMaxPool", 1).run(xt)[0], 0);
        }
    }

    @Test
    void lpPoolP2() {
        float[] x = {3, 4, 0, 1};
        Tensor y = node("LpPool", 11).ints("kernel_shape", 2).i("p", 2).run(Tensor.of(x, 1, 1, 4))[0];
        assertClose(new double[] {5, 4, 1}, y, 1e-6);
    }

    @Test
    void maxUnpoolScattersAndPadsToOutputShape() {
        Tensor x = Tensor.of(new float[] {5, 6, 7, 8}, 1, 1, 2, 2);
        Tensor i = Tensor.ofLongs(new long[] {5, 7, 13, 15}, 1, 1, 2, 2);
        Tensor y = node("MaxUnpool", 11).ints("kernel_shape", 2, 2).ints("strides", 2, 2).run(x, i)[0];
        assertShape(y, 1, 1, 4, 4);
        assertClose(new double[] {0, 0, 0, 0, 0, 5, 0, 6, 0, 0, 0, 0, 0, 7, 0, 8}, y, 0);
        Tensor y5 = node("MaxUnpool", 11).ints("kernel_shape", 2, 2).ints("strides", 2, 2)
                .run(x, i, Tensor.ofLongs(new long[] {1, 1, 5, 5}, 4))[0];
        assertShape(y5, 1, 1, 5, 5);
        assertClose(new double[] {0, 0, 0, 0, 0, 0, 5, 0, 6, 0, 0, 0, 0, 0, 0, 0, 7, 0, 8, 0, 0, 0, 0, 0, 0}, y5, 0);
    }

    @Test
    void roiAlignWholeImageAverage() {
        // A 2x2 ROI over a 2x2 image with 1 output bin and sampling 2: samples at 0.5 and 1.5
        // (output_half_pixel), bilinear clamped at the border.
        float[] x = {1, 2, 3, 4};
        Tensor y = node("RoiAlign", 10).i("output_height", 1).i("output_width", 1).i("sampling_ratio", 2)
                .run(Tensor.of(x, 1, 1, 2, 2), Tensor.of(new float[] {0, 0, 2, 2}, 1, 4), Tensor.ofLongs(new long[] {0}, 1))[0];
        // samples (y, x) in {0.5, 1.5}^2 -> values 2.5, 3 (x clamps to 1), 3.5 (y clamps), 4
        assertClose(new double[] {(2.5 + 3 + 3.5 + 4) / 4}, y, 1e-6);
    }
}
