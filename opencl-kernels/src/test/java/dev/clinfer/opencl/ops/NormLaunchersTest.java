package dev.clinfer.opencl.ops;

import dev.clinfer.api.Tensor;
import dev.clinfer.conformance.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.Set;

import static dev.clinfer.opencl.ops.LauncherHarness.randn;
import static dev.clinfer.opencl.ops.LayoutTestNodes.TOL;
import static dev.clinfer.opencl.ops.LayoutTestNodes.longs;
import static dev.clinfer.opencl.ops.LayoutTestNodes.node;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Norm launchers against the Java operators. */
class NormLaunchersTest {
    /** Long float32 reductions round differently from the Java double accumulation. */
    private static final Tolerance LOOSE = new Tolerance(1e-4, 1e-4);
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

    private Tensor positive(long... shape) {
        Tensor t = randn(rnd, shape);
        for (int i = 0; i < t.numel(); i++) {
            t.setDouble(i, Math.abs(t.getDouble(i)) + 0.1);
        }
        return t;
    }

    @Test
    void batchNorm() {
        Tensor[] in = {randn(rnd, 2, 5, 7, 3), randn(rnd, 5), randn(rnd, 5), randn(rnd, 5), positive(5)};
        h.checkSupported(node("BatchNormalization", 15, in, 1, "epsilon", 1e-3f), in, Set.of(1, 2, 3, 4), TOL);
        Tensor[] in2 = {randn(rnd, 3, 4), randn(rnd, 4), randn(rnd, 4), randn(rnd, 4), positive(4)};
        h.checkSupported(node("BatchNormalization", 9, in2, 1), in2, Set.of(), TOL);
        assertFalse(h.check(node("BatchNormalization", 15, in, 1, "training_mode", 1L), in, Set.of(), TOL));
        assertFalse(h.check(node("BatchNormalization", 9, in, 5), in, Set.of(), TOL));
    }

    @Test
    void softmax() {
        for (String op : new String[] {"Softmax", "LogSoftmax", "Hardmax"}) {
            Tensor x = randn(rnd, 2, 3, 16, 7);
            Tensor[] in = {x};
            h.checkSupported(node(op, 13, in, 1), in, Set.of(), TOL);
            h.checkSupported(node(op, 13, in, 1, "axis", 1L), in, Set.of(), TOL);
            h.checkSupported(node(op, 11, in, 1), in, Set.of(), TOL);
            h.checkSupported(node(op, 11, in, 1, "axis", -1L), in, Set.of(), TOL);
            h.checkSupported(node(op, 11, in, 1, "axis", 0L), in, Set.of(), TOL);
            Tensor[] wide = {randn(rnd, 3, 1000)};
            h.checkSupported(node(op, 13, wide, 1), wide, Set.of(), TOL);
        }
    }

    @Test
    void layerNorm() {
        Tensor x = randn(rnd, 2, 16, 384);
        Tensor[] in = {x, randn(rnd, 384), randn(rnd, 384)};
        h.checkSupported(node("LayerNormalization", 17, in, 1, "epsilon", 1e-12f), in, Set.of(1, 2), LOOSE);
        Tensor[] noBias = {x, randn(rnd, 16, 384)};
        h.checkSupported(node("LayerNormalization", 17, noBias, 3, "axis", 1L), noBias, Set.of(), LOOSE);
        Tensor[] suffix = {randn(rnd, 3, 4, 5), randn(rnd, 1, 5), randn(rnd, 5)};
        h.checkSupported(node("LayerNormalization", 17, suffix, 3, "axis", -2L), suffix, Set.of(), LOOSE);
        Tensor[] inner = {randn(rnd, 3, 4, 5), randn(rnd, 4, 1)};
        assertFalse(h.check(node("LayerNormalization", 17, inner, 1, "axis", -2L), inner, Set.of(), LOOSE));
    }

    @Test
    void reductions() {
        Tensor x = randn(rnd, 2, 16, 384);
        for (String op : NormReduce.KINDS.keySet()) {
            Tensor in0 = op.equals("ReduceLogSum") ? positive(3, 4, 5, 6) : randn(rnd, 3, 4, 5, 6);
            if (op.equals("ReduceProd")) {
                in0 = positive(3, 4, 5, 6);
            }
            Tensor[] a = {in0};
            h.checkSupported(node(op, 13, a, 1, "axes", new long[] {-1}), a, Set.of(), LOOSE);
            h.checkSupported(node(op, 13, a, 1, "axes", new long[] {1, 3}, "keepdims", 0L), a, Set.of(), LOOSE);
            h.checkSupported(node(op, 13, a, 1, "axes", new long[] {0, 2, 3}), a, Set.of(), LOOSE);
            h.checkSupported(node(op, 13, a, 1, "keepdims", 0L), a, Set.of(), LOOSE);
            Tensor[] withAxes = {in0, longs(2)};
            h.checkSupported(node(op, 18, withAxes, 1), withAxes, Set.of(1), LOOSE);
        }
        Tensor[] strided = {randn(rnd, 40, 3, 50)};
        for (String op : new String[] {"ReduceMax", "ReduceMin", "ReduceSum", "ReduceL2", "ReduceMean"}) {
            h.checkSupported(node(op, 13, strided, 1, "axes", new long[] {0, 2}), strided, Set.of(), LOOSE);
            h.checkSupported(node(op, 13, strided, 1, "axes", new long[] {0}, "keepdims", 0L), strided, Set.of(),
                    LOOSE);
        }
        Tensor[] mean = {x};
        h.checkSupported(node("ReduceMean", 13, mean, 1, "axes", new long[] {-1}), mean, Set.of(), LOOSE);
        Tensor[] sum = {x, longs(1)};
        h.checkSupported(node("ReduceSum", 13, sum, 1, "keepdims", 0L), sum, Set.of(1), LOOSE);
        Tensor[] noop = {x, longs()};
        h.checkSupported(node("ReduceSum", 13, noop, 1, "noop_with_empty_axes", 1L), noop, Set.of(1), LOOSE);
    }
}
