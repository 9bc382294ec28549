package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.Set;

import static dev.clinfer.opencl.ops.LauncherHarness.randn;
import static dev.clinfer.opencl.ops.LayoutTestNodes.TOL;
import static dev.clinfer.opencl.ops.LayoutTestNodes.node;
import static dev.clinfer.opencl.ops.LayoutTestNodes.scalar;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Elementwise launchers against the Java operators on random inputs. */
class ElementwiseLaunchersTest {
    private static LauncherHarness h;
    private final Random rnd = new Random(42);

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

    private void unary(String op, int opset, Tensor x, Object... attrs) {
        Tensor[] in = {x};
        h.checkSupported(node(op, opset, in, 1, attrs), in, Set.of(), TOL);
    }

    /** Positive values for Log/Sqrt/Acosh etc. */
    private Tensor positive(long... shape) {
        Tensor t = randn(rnd, shape);
        for (int i = 0; i < t.numel(); i++) {
            t.setDouble(i, Math.abs(t.getDouble(i)) + 0.05);
        }
        return t;
    }

    private Tensor unit(long... shape) {
        Tensor t = Tensor.allocate(DataType.FLOAT, shape);
        for (int i = 0; i < t.numel(); i++) {
            t.setDouble(i, rnd.nextDouble() * 1.8 - 0.9);
        }
        return t;
    }

    @Test
    void activations() {
        for (String op : new String[] {"Relu", "Sigmoid", "Tanh", "Softplus", "Softsign", "HardSwish", "Mish", "Erf",
                "Exp", "Abs", "Neg", "Floor", "Ceil", "Round", "Sign", "Sin", "Cos", "Atan", "Sinh", "Cosh", "Asinh",
                "Reciprocal"}) {
            unary(op, 13, randn(rnd, 3, 17, 5));
        }
        for (String op : new String[] {"Log", "Sqrt", "Tan"}) {
            unary(op, 13, positive(1001));
        }
        unary("Acosh", 13, positive(33));
        for (String op : new String[] {"Asin", "Acos", "Atanh"}) {
            unary(op, 13, unit(2, 50));
        }
        unary("LeakyRelu", 6, randn(rnd, 7, 9), "alpha", 0.3f);
        unary("Elu", 6, randn(rnd, 7, 9), "alpha", 0.7f);
        unary("Selu", 6, randn(rnd, 7, 9), "alpha", 1.5f, "gamma", 1.2f);
        unary("Selu", 6, randn(rnd, 7, 9));
        unary("Celu", 12, randn(rnd, 7, 9), "alpha", 2f);
        unary("ThresholdedRelu", 10, randn(rnd, 7, 9), "alpha", 0.5f);
        unary("HardSigmoid", 6, randn(rnd, 1, 16, 3, 3), "alpha", 0.1666667f, "beta", 0.5f);
        unary("HardSigmoid", 6, randn(rnd, 100));
        unary("Shrink", 9, randn(rnd, 100), "lambd", 0.7f, "bias", 0.2f);
        unary("Gelu", 20, randn(rnd, 2, 300));
        unary("Gelu", 20, randn(rnd, 2, 300), "approximate", "tanh");
        unary("Relu", 14, randn(rnd)); // rank 0
        unary("Relu", 14, randn(rnd, 0, 3)); // empty
    }

    @Test
    void clip() {
        unary("Clip", 6, randn(rnd, 4, 33), "min", -0.5f, "max", 0.25f);
        unary("Clip", 6, randn(rnd, 4, 33), "max", 0.25f);
        Tensor x = randn(rnd, 1, 8, 5, 5);
        Tensor[] in = {x, scalar(0f), scalar(6f)};
        h.checkSupported(node("Clip", 13, in, 1), in, Set.of(1, 2), TOL);
        Tensor[] onlyMax = {x, null, scalar(0.5f)};
        h.checkSupported(node("Clip", 11, onlyMax, 1), onlyMax, Set.of(2), TOL);
        Tensor[] none = {x};
        h.checkSupported(node("Clip", 12, none, 1), none, Set.of(), TOL);
        // Bounds computed at run time would need a host sync: declined.
        assertFalse(h.check(node("Clip", 13, in, 1), in, Set.of(1), TOL));
    }

    private void binary(String op, int opset, Tensor a, Tensor b) {
        Tensor[] in = {a, b};
        h.checkSupported(node(op, opset, in, 1), in, Set.of(), TOL);
    }

    @Test
    void binaryBroadcasting() {
        for (String op : new String[] {"Add", "Sub", "Mul", "Div", "Max", "Min"}) {
            binary(op, 13, randn(rnd, 3, 5, 7), randn(rnd, 3, 5, 7));
            binary(op, 13, randn(rnd, 3, 5, 7), randn(rnd));
            binary(op, 13, randn(rnd, 1), randn(rnd, 3, 5, 7));
            binary(op, 13, randn(rnd, 2, 6, 4, 3), randn(rnd, 1, 6, 1, 1));
            binary(op, 13, randn(rnd, 5, 1, 3), randn(rnd, 1, 4, 1));
            binary(op, 13, randn(rnd, 7), randn(rnd, 2, 3, 1));
        }
        binary("Pow", 13, positive(2, 16, 9), Tensor.scalar(2f));
        binary("Pow", 13, positive(2, 16, 9), Tensor.scalar(0.5f));
        binary("Pow", 13, positive(4, 5), randn(rnd, 5));
        binary("Pow", 7, randn(rnd, 4, 5), Tensor.scalar(3f));
        binary("Add", 7, randn(rnd, 1, 2, 3, 4, 5, 6, 7, 2, 3), randn(rnd, 9, 1, 1, 4, 1, 6, 1, 2, 1));
        binary("PRelu", 9, randn(rnd, 2, 5, 3, 3), randn(rnd, 5, 1, 1));
        binary("PRelu", 9, randn(rnd, 2, 5, 3, 3), randn(rnd, 5));
        binary("PRelu", 9, randn(rnd, 2, 5, 3, 3), randn(rnd, 1));
        Tensor[] three = {randn(rnd, 4, 1), randn(rnd, 4, 6), randn(rnd, 6)};
        for (String op : new String[] {"Max", "Min", "Sum", "Mean"}) {
            h.checkSupported(node(op, 13, three, 1), three, Set.of(), TOL);
            Tensor[] one = {three[1]};
            h.checkSupported(node(op, 13, one, 1), one, Set.of(), TOL);
        }
        // Integer operands stay on the CPU lane.
        Tensor[] ints = {Tensor.ofLongs(new long[] {1, 2}, 2), Tensor.ofLongs(new long[] {3, 4}, 2)};
        assertFalse(h.check(node("Add", 13, ints, 1), ints, Set.of(), TOL));
    }

    @Test
    void where() {
        Tensor c = Tensor.allocate(DataType.BOOL, 3, 1, 5);
        for (int i = 0; i < c.numel(); i++) {
            c.setLong(i, rnd.nextBoolean() ? 1 : 0);
        }
        Tensor[] in = {c, randn(rnd, 4, 5), randn(rnd, 3, 4, 1)};
        h.checkSupported(node("Where", 16, in, 1), in, Set.of(), TOL);
        Tensor[] in2 = {c, randn(rnd, 3, 1, 5), Tensor.scalar(-1e9f)};
        h.checkSupported(node("Where", 9, in2, 1), in2, Set.of(), TOL);
    }
}
