package dev.clinfer.opencl.ops;

import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.Set;

import static dev.clinfer.opencl.ops.GemmTestNodes.LONG_TOL;
import static dev.clinfer.opencl.ops.GemmTestNodes.TOL;
import static dev.clinfer.opencl.ops.GemmTestNodes.i;
import static dev.clinfer.opencl.ops.GemmTestNodes.ints;
import static dev.clinfer.opencl.ops.GemmTestNodes.node;
import static dev.clinfer.opencl.ops.GemmTestNodes.s;
import static dev.clinfer.opencl.ops.LauncherHarness.randn;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Conv and ConvTranspose launchers against the Java operators on PoCL. */
class ConvLaunchersTest {
    private static LauncherHarness h;
    private final Random rnd = new Random(11);

    @BeforeAll
    static void open() {
        h = new LauncherHarness("jocl");
    }

    @AfterAll
    static void close() {
        if (h != null) {
            h.close();
        }
    }

    /** Conv of X [n, c, hh, ww] with W [m, c / group, k0, k1], with and without bias. */
    private void conv(long n, long c, long hh, long ww, long m, long group, long k0, long k1, Attribute... attrs) {
        Attribute[] all = java.util.Arrays.copyOf(attrs, attrs.length + 1);
        all[attrs.length] = i("group", group);
        Tensor x = randn(rnd, n, c, hh, ww);
        Tensor w = randn(rnd, m, c / group, k0, k1);
        var tol = c / group * k0 * k1 > 200 ? LONG_TOL : TOL;
        // Every strategy: the device's rule, then each forced (the direct kernel on CPUs,
        // im2col / 1x1 GEMM / the depthwise kernel on GPUs).
        for (String strategy : new String[] {null, "direct", "gemm"}) {
            ConvPlan.force = strategy;
            try {
                h.checkSupported(node("Conv", 11, 3, 1, all), new Tensor[] {x, w, randn(rnd, m)}, Set.of(1, 2), tol);
                h.checkSupported(node("Conv", 11, 2, 1, all), new Tensor[] {x, w}, Set.of(1), tol);
            } finally {
                ConvPlan.force = null;
            }
        }
    }

    @Test
    void directBlocksAndEdges() {
        // Output channels not a multiple of the 8-channel block; rows not a multiple of the
        // 8-pixel vector; unpadded inputs whose last blocks take the guarded loads.
        conv(1, 5, 9, 13, 13, 1, 3, 3, s("auto_pad", "VALID"), ints("strides", 2, 2));
        conv(2, 7, 11, 10, 17, 1, 1, 1, ints("strides", 2, 2));
        conv(1, 16, 7, 7, 12, 1, 3, 3, ints("pads", 1, 1, 1, 1));
        conv(1, 3, 30, 29, 9, 1, 7, 7, ints("strides", 2, 2), ints("pads", 3, 3, 3, 3));
        conv(2, 8, 9, 21, 16, 2, 3, 3, ints("pads", 0, 2, 1, 0), ints("dilations", 1, 2));
        conv(1, 6, 6, 19, 12, 6, 5, 5, ints("pads", 2, 2, 2, 2), ints("strides", 1, 2));
        conv(1, 4, 1, 40, 9, 1, 1, 5, ints("pads", 0, 2, 0, 2));
    }

    @Test
    void pointwiseAsGemm() {
        conv(2, 19, 7, 9, 23, 1, 1, 1);
        conv(1, 32, 14, 14, 16, 1, 1, 1);
        conv(2, 12, 5, 6, 9, 3, 1, 1);
    }

    /** Depthwise cases under the whole-plane tile, bands of a few rows, and the in-place kernel. */
    private void depthwiseTiles(Runnable cases) {
        for (int floats : new int[] {ConvLaunchers.DW_TILE, 300, 0}) {
            ConvLaunchersTestHook.setDwTile(floats);
            try {
                cases.run();
            } finally {
                ConvLaunchersTestHook.setDwTile(ConvLaunchers.DW_TILE);
            }
        }
    }

    @Test
    void depthwise() {
        depthwiseTiles(this::depthwiseCases);
    }

    private void depthwiseCases() {
        conv(2, 13, 11, 9, 13, 13, 3, 3, ints("pads", 1, 1, 1, 1));
        conv(1, 8, 15, 16, 8, 8, 3, 3, ints("strides", 2, 2), ints("pads", 1, 1, 1, 1));
        conv(1, 6, 12, 10, 12, 6, 5, 3, ints("pads", 2, 0, 1, 2), ints("dilations", 2, 1));
        conv(1, 7, 9, 9, 7, 7, 3, 3, s("auto_pad", "SAME_UPPER"), ints("strides", 2, 2));
    }

    @Test
    void depthwiseWideRows() {
        depthwiseTiles(this::depthwiseWideCases);
    }

    private void depthwiseWideCases() {
        // Rows wide enough for the in-place kernel's vector interior, its shifted last block and
        // scalar borders: stride 1 and 2, odd widths, dilation, uneven pads, channel multiplier.
        conv(2, 5, 6, 37, 5, 5, 3, 3, ints("pads", 1, 1, 1, 1));
        conv(1, 4, 7, 41, 4, 4, 3, 3, ints("strides", 2, 2), ints("pads", 1, 1, 1, 1));
        conv(1, 3, 5, 64, 3, 3, 3, 3, ints("strides", 2, 2), ints("pads", 0, 0, 1, 1));
        conv(1, 3, 8, 33, 6, 3, 5, 5, ints("pads", 2, 3, 1, 0), ints("dilations", 1, 2));
        conv(1, 4, 4, 50, 4, 4, 3, 3, ints("strides", 1, 3), ints("pads", 1, 2, 1, 2));
        conv(1, 2, 3, 30, 2, 2, 3, 3, s("auto_pad", "VALID"));
    }

    @Test
    void generalIm2col() {
        conv(2, 3, 17, 19, 10, 1, 3, 3, ints("pads", 1, 1, 1, 1));
        conv(1, 3, 23, 21, 8, 1, 7, 7, ints("strides", 2, 2), ints("pads", 3, 3, 3, 3));
        conv(2, 6, 13, 11, 9, 3, 3, 2, ints("strides", 2, 1), ints("pads", 0, 1, 2, 0));
        conv(1, 4, 14, 15, 5, 1, 3, 3, ints("dilations", 2, 3), ints("pads", 2, 1, 0, 3));
        conv(1, 5, 10, 10, 6, 1, 3, 3, s("auto_pad", "SAME_LOWER"), ints("strides", 2, 2));
        conv(1, 5, 10, 11, 6, 1, 4, 3, s("auto_pad", "SAME_UPPER"));
        conv(1, 5, 10, 11, 6, 1, 3, 3, s("auto_pad", "VALID"), ints("strides", 3, 2));
        conv(3, 4, 9, 8, 70, 2, 1, 1, ints("strides", 2, 2));
        conv(1, 64, 16, 16, 40, 1, 3, 3, ints("pads", 1, 1, 1, 1));
    }

    @Test
    void generalIm2colInImageChunks() {
        long saved = ConvLaunchers.maxColFloats;
        ConvLaunchersTestHook.setMaxCol(3 * 9 * 64);
        try {
            conv(5, 3, 8, 8, 4, 1, 3, 3, ints("pads", 1, 1, 1, 1));
        } finally {
            ConvLaunchersTestHook.setMaxCol(saved);
        }
    }

    @Test
    void conv1d() {
        Tensor x = randn(rnd, 2, 5, 31);
        Tensor w = randn(rnd, 7, 5, 4);
        Node nd = node("Conv", 11, 3, 1, ints("strides", 2), ints("pads", 1, 2), ints("dilations", 2));
        h.checkSupported(nd, new Tensor[] {x, w, randn(rnd, 7)}, Set.of(1, 2), TOL);
    }

    @Test
    void declines3d() {
        Tensor x = randn(rnd, 1, 2, 4, 4, 4);
        Tensor w = randn(rnd, 3, 2, 2, 2, 2);
        assertFalse(h.check(node("Conv", 11, 2, 1), new Tensor[] {x, w}, Set.of(1), TOL));
    }

    private void convT(long[] xs, long[] ws, long group, boolean bias, Attribute... attrs) {
        Attribute[] all = java.util.Arrays.copyOf(attrs, attrs.length + 1);
        all[attrs.length] = i("group", group);
        Tensor x = randn(rnd, xs);
        Tensor w = randn(rnd, ws);
        Tensor[] in = bias ? new Tensor[] {x, w, randn(rnd, ws[1] * group)} : new Tensor[] {x, w};
        // The device's rule, then each kernel forced (conv_transpose.cl where kernel == stride,
        // else and under "gemm" the gather of conv.cl).
        for (String strategy : new String[] {null, "direct", "gemm"}) {
            ConvPlan.force = strategy;
            try {
                h.checkSupported(node("ConvTranspose", 11, in.length, 1, all), in, Set.of(1, 2), TOL);
            } finally {
                ConvPlan.force = null;
            }
        }
    }

    @Test
    void convTransposeOneTap() {
        // kernel == stride: odd widths (guarded tail loads and stores), output channels not a
        // multiple of the 8-channel block, pads cutting into the result, output_padding and
        // output_shape extending it past the input's reach, groups, 1-D, kernel 3x1.
        convT(new long[] {2, 5, 9, 13}, new long[] {5, 11, 2, 2}, 1, true, ints("strides", 2, 2));
        convT(new long[] {1, 6, 7, 19}, new long[] {6, 3, 2, 2}, 2, true, ints("strides", 2, 2),
                ints("pads", 1, 0, 0, 3));
        convT(new long[] {1, 4, 5, 17}, new long[] {4, 9, 2, 2}, 1, false, ints("strides", 2, 2),
                ints("output_padding", 1, 1));
        convT(new long[] {1, 3, 4, 9}, new long[] {3, 2, 2, 2}, 1, true, ints("strides", 2, 2),
                ints("output_shape", 9, 21));
        convT(new long[] {1, 4, 6, 10}, new long[] {4, 5, 3, 1}, 1, true, ints("strides", 3, 1),
                ints("pads", 1, 0, 2, 0));
        convT(new long[] {1, 8, 3, 16}, new long[] {8, 1, 2, 2}, 1, true, ints("strides", 2, 2));
        convT(new long[] {2, 3, 21}, new long[] {3, 4, 2}, 1, true, ints("strides", 2), ints("pads", 1, 0));
        convT(new long[] {1, 4, 5, 6}, new long[] {4, 3, 2, 2}, 1, false, ints("strides", 2, 2),
                s("auto_pad", "SAME_UPPER"));
    }

    @Test
    void convTranspose() {
        convT(new long[] {1, 24, 20, 20}, new long[] {24, 24, 2, 2}, 1, true, ints("strides", 2, 2));
        convT(new long[] {2, 6, 7, 9}, new long[] {6, 4, 3, 3}, 1, true, ints("strides", 2, 2),
                ints("pads", 1, 1, 1, 1), ints("output_padding", 1, 1));
        convT(new long[] {1, 6, 5, 7}, new long[] {6, 2, 3, 4}, 3, false, ints("strides", 3, 2),
                ints("pads", 0, 1, 2, 0), ints("dilations", 2, 1));
        convT(new long[] {1, 4, 5, 5}, new long[] {4, 3, 3, 3}, 1, true, ints("strides", 2, 2),
                ints("output_shape", 10, 11));
        convT(new long[] {1, 4, 5, 6}, new long[] {4, 3, 3, 3}, 1, false, ints("strides", 2, 2),
                s("auto_pad", "SAME_UPPER"));
        convT(new long[] {1, 4, 5, 6}, new long[] {4, 3, 4, 3}, 2, false, ints("strides", 2, 2),
                s("auto_pad", "SAME_LOWER"));
        convT(new long[] {2, 3, 11}, new long[] {3, 5, 3}, 1, true, ints("strides", 2), ints("output_padding", 1));
    }
}
