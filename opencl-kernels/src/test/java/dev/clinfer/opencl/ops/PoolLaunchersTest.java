package dev.clinfer.opencl.ops;

import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.Set;

import static dev.clinfer.opencl.ops.GemmTestNodes.TOL;
import static dev.clinfer.opencl.ops.GemmTestNodes.i;
import static dev.clinfer.opencl.ops.GemmTestNodes.ints;
import static dev.clinfer.opencl.ops.GemmTestNodes.node;
import static dev.clinfer.opencl.ops.GemmTestNodes.s;
import static dev.clinfer.opencl.ops.LauncherHarness.randn;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Pooling launchers against the Java operators on PoCL. */
class PoolLaunchersTest {
    private static LauncherHarness h;
    private final Random rnd = new Random(5);

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

    private void both(long[] xs, Attribute... attrs) {
        Tensor x = randn(rnd, xs);
        h.checkSupported(node("MaxPool", 12, 1, 1, attrs), new Tensor[] {x}, Set.of(), TOL);
        h.checkSupported(node("AveragePool", 19, 1, 1, attrs), new Tensor[] {x}, Set.of(), TOL);
        Attribute[] inc = java.util.Arrays.copyOf(attrs, attrs.length + 1);
        inc[attrs.length] = i("count_include_pad", 1);
        h.checkSupported(node("AveragePool", 19, 1, 1, inc), new Tensor[] {x}, Set.of(), TOL);
    }

    @Test
    void windows() {
        both(new long[] {1, 64, 112, 112}, ints("kernel_shape", 3, 3), ints("strides", 2, 2), ints("pads", 1, 1, 1, 1));
        both(new long[] {2, 3, 13, 11}, ints("kernel_shape", 3, 2), ints("strides", 2, 2), i("ceil_mode", 1));
        // 3x3 stride 2 (the eight-wide MaxPool on CPU devices): ceil mode past the right edge, no pads,
        // widths leaving a partial group of eight, and NaNs both as a window's first tap and later
        both(new long[] {1, 5, 37, 41}, ints("kernel_shape", 3, 3), ints("strides", 2, 2), i("ceil_mode", 1));
        both(new long[] {2, 3, 20, 54}, ints("kernel_shape", 3, 3), ints("strides", 2, 2));
        Tensor nan = randn(rnd, 1, 2, 9, 40);
        for (int k = 0; k < nan.size(); k += 7) {
            nan.setDouble(k, Double.NaN);
        }
        h.checkSupported(node("MaxPool", 12, 1, 1, ints("kernel_shape", 3, 3), ints("strides", 2, 2)),
                new Tensor[] {nan}, Set.of(), TOL);
        both(new long[] {2, 3, 13, 11}, ints("kernel_shape", 3, 3), ints("strides", 2, 3), ints("pads", 1, 0, 2, 1),
                i("ceil_mode", 1));
        both(new long[] {1, 4, 10, 9}, ints("kernel_shape", 2, 3), ints("dilations", 2, 2), ints("pads", 1, 1, 1, 1));
        both(new long[] {1, 4, 10, 9}, ints("kernel_shape", 3, 3), s("auto_pad", "SAME_UPPER"), ints("strides", 2, 2));
        both(new long[] {1, 4, 10, 9}, ints("kernel_shape", 4, 3), s("auto_pad", "SAME_LOWER"));
        both(new long[] {1, 4, 10, 9}, ints("kernel_shape", 3, 3), s("auto_pad", "VALID"), ints("strides", 2, 2));
        both(new long[] {2, 3, 17}, ints("kernel_shape", 4), ints("strides", 3), ints("pads", 1, 2), i("ceil_mode", 1));
    }

    @Test
    void globalPools() {
        for (long[] xs : new long[][] {{1, 512, 7, 7}, {2, 5, 33, 31}, {1, 3, 1, 1}, {2, 4, 130}, {1, 2, 3, 4, 5}}) {
            Tensor x = randn(rnd, xs);
            h.checkSupported(node("GlobalAveragePool", 13, 1, 1), new Tensor[] {x}, Set.of(), TOL);
            h.checkSupported(node("GlobalMaxPool", 13, 1, 1), new Tensor[] {x}, Set.of(), TOL);
        }
    }

    @Test
    void globalPoolsPropagateNaN() {
        // A NaN in the vector part of one plane and in the scalar tail of another.
        Tensor x = randn(rnd, 1, 3, 5, 26);
        x.setDouble(3, Double.NaN);
        x.setDouble(130 + 129, Double.NaN);
        h.checkSupported(node("GlobalAveragePool", 13, 1, 1), new Tensor[] {x}, Set.of(), TOL);
        h.checkSupported(node("GlobalMaxPool", 13, 1, 1), new Tensor[] {x}, Set.of(), TOL);
    }

    @Test
    void declinesIndicesAnd3d() {
        Tensor x = randn(rnd, 1, 2, 6, 6);
        assertFalse(h.check(node("MaxPool", 12, 1, 2, ints("kernel_shape", 2, 2)), new Tensor[] {x}, Set.of(), TOL));
        Tensor x3 = randn(rnd, 1, 2, 4, 4, 4);
        assertFalse(h.check(node("MaxPool", 12, 1, 1, ints("kernel_shape", 2, 2, 2)), new Tensor[] {x3}, Set.of(), TOL));
    }
}
