package dev.clinfer.ops;

import dev.clinfer.api.Tensor;
import org.junit.jupiter.api.Test;

import static dev.clinfer.ops.PoolTestSupport.assertClose;
import static dev.clinfer.ops.PoolTestSupport.assertShape;
import static dev.clinfer.ops.PoolTestSupport.node;
import static dev.clinfer.ops.PoolTestSupport.random;

class ResizeOpsTest {
    private static final Tensor NONE = Tensor.allocate(dev.clinfer.api.DataType.FLOAT, 0);

    private static Tensor seq(int n, long... shape) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = k + 1;
        }
        return Tensor.of(v, shape);
    }

    private static Tensor scales(float... s) {
        return Tensor.of(s, s.length);
    }

    @Test
    void nearestUpsampleRepeats() {
        Tensor y = node("Resize", 13).s("mode", "nearest").s("coordinate_transformation_mode", "asymmetric")
                .s("nearest_mode", "floor")
                .run(seq(4, 1, 1, 2, 2), NONE, scales(1, 1, 2, 3))[0];
        assertShape(y, 1, 1, 4, 6);
        assertClose(new double[] {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4}, y, 0);
    }

    @Test
    void nearestRoundPreferFloorRoundsUp() {
        // asymmetric x3: x = 0, 0.33, 0.67 -> 0, 0, 1
        Tensor y = node("Resize", 13).s("coordinate_transformation_mode", "asymmetric")
                .run(Tensor.of(new float[] {1, 2}, 2), NONE, scales(3))[0];
        assertClose(new double[] {1, 1, 2, 2, 2, 2}, y, 0);
    }

    @Test
    void nearestTfHalfPixelForNnWithSizes() {
        Tensor y = node("Resize", 13).s("coordinate_transformation_mode", "tf_half_pixel_for_nn")
                .run(seq(16, 1, 1, 4, 4), NONE, NONE, Tensor.ofLongs(new long[] {1, 1, 3, 2}, 4))[0];
        assertShape(y, 1, 1, 3, 2);
        // rows (o + 0.5) * 4/3 = 0.67, 2, 3.33 round to 1, 2, 3; cols (o + 0.5) * 2 = 1, 3
        assertClose(new double[] {6, 8, 10, 12, 14, 16}, y, 0);
    }

    @Test
    void linearAlignCorners() {
        Tensor y = node("Resize", 13).s("mode", "linear").s("coordinate_transformation_mode", "align_corners")
                .run(Tensor.of(new float[] {0, 3}, 1, 2), NONE, scales(1, 2))[0];
        assertClose(new double[] {0, 1, 2, 3}, y, 1e-6);
    }

    @Test
    void linearHalfPixelClampsAtEdges() {
        Tensor y = node("Resize", 13).s("mode", "linear").run(Tensor.of(new float[] {0, 4}, 2), NONE, scales(2))[0];
        // x = (o + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> 0, 1, 3, 4
        assertClose(new double[] {0, 1, 3, 4}, y, 1e-6);
    }

    @Test
    void cubicScaleOneIsIdentityAndMatchesKeysKernel() {
        float[] x = random(11, 3 * 5);
        Tensor xt = Tensor.of(x, 3, 5);
        Tensor same = node("Resize", 13).s("mode", "cubic").run(xt, NONE, scales(1, 1))[0];
        double[] xd = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            xd[k] = x[k];
        }
        assertClose(xd, same, 1e-7);
        // Asymmetric x2 on one row: output 1 sits at x = 0.5 with Keys weights (A = -0.75).
        float[] row = {1, 2, 4, 8};
        Tensor y = node("Resize", 13).s("mode", "cubic").s("coordinate_transformation_mode", "asymmetric")
                .run(Tensor.of(row, 4), NONE, scales(2))[0];
        double a = -0.75;
        double w0 = ((a * 1.5 - 5 * a) * 1.5 + 8 * a) * 1.5 - 4 * a;
        double w1 = ((a + 2) * 0.5 - (a + 3)) * 0.25 + 1;
        // taps at -1 (clamped to 0), 0, 1, 2 with symmetric weights w0, w1, w1, w0
        assertClose(new double[] {w0 * 1 + w1 * 1 + w1 * 2 + w0 * 4}, Tensor.of(new float[] {(float) y.getDouble(1)}, 1), 1e-6);
    }

    @Test
    void tfCropAndResizeExtrapolates() {
        Tensor roi = Tensor.of(new float[] {0, 0, 1, 2}, 4);
        Tensor y = node("Resize", 13).s("mode", "linear").s("coordinate_transformation_mode", "tf_crop_and_resize")
                .f("extrapolation_value", -9f).run(Tensor.of(new float[] {0, 10, 20}, 1, 3), roi, NONE,
                        Tensor.ofLongs(new long[] {1, 5}, 2))[0];
        // x = o * 2 * 2 / 4 = 0, 1, 2, 3, 4 -> 0, 10, 20, outside, outside
        assertClose(new double[] {0, 10, 20, -9, -9}, y, 1e-6);
    }

    @Test
    void keepAspectRatioNotLarger() {
        Tensor y = node("Resize", 18).ints("axes", 2, 3).s("keep_aspect_ratio_policy", "not_larger")
                .run(seq(8, 1, 1, 2, 4), NONE, NONE, Tensor.ofLongs(new long[] {4, 4}, 2))[0];
        // scale = min(4/2, 4/4) = 1: unchanged
        assertShape(y, 1, 1, 2, 4);
    }

    @Test
    void upsampleOpset7AttributeScales() {
        Tensor y = node("Upsample", 7).floats("scales", 1, 2).run(Tensor.of(new float[] {1, 2}, 1, 2))[0];
        assertClose(new double[] {1, 1, 2, 2}, y, 0);
    }

    @Test
    void downsampleResize10UsesCeil() {
        // Resize-10 nearest, scale 0.6 on width 4: x = 0, 1.67 -> ceil -> 0, 2
        Tensor y = node("Resize", 10).run(seq(8, 1, 1, 2, 4), scales(1, 1, 0.6f, 0.6f))[0];
        assertShape(y, 1, 1, 1, 2);
        assertClose(new double[] {1, 3}, y, 0);
    }

    @Test
    void gridSampleIdentityGrid() {
        Tensor x = seq(6, 1, 1, 2, 3);
        // align_corners: normalised -1..1 maps to pixel centres 0..len-1.
        float[] g = new float[2 * 3 * 2];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                g[(i * 3 + j) * 2] = -1 + j;
                g[(i * 3 + j) * 2 + 1] = -1 + 2 * i;
            }
        }
        Tensor grid = Tensor.of(g, 1, 2, 3, 2);
        for (String mode : new String[] {"bilinear", "nearest", "bicubic"}) {
            Tensor y = node("GridSample", 16).i("align_corners", 1).s("mode", mode).run(x, grid)[0];
            assertClose(new double[] {1, 2, 3, 4, 5, 6}, y, 1e-6);
        }
    }
}
