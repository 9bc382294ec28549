package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;
import dev.clinfer.ops.ElementwiseKernels.BinaryOp;
import dev.clinfer.ops.ElementwiseKernels.FloatFast;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;

/** Java CPU kernels: activations, and Softmax/LogSoftmax/Hardmax (see {@link ActivationSoftmax}). */
public final class ActivationOps {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double INV_SQRT_2 = 1 / Math.sqrt(2);

    private ActivationOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        r.register("Relu", (node, in, ctx) -> new Tensor[] {relu(node, in[0], ctx)});
        act(r, "LeakyRelu", 1, node -> {
            double a = node.attrFloat("alpha", 0.01f);
            return x -> x < 0 ? a * x : x;
        }, node -> {
            float a = node.attrFloat("alpha", 0.01f);
            return (s, d, n) -> ElementwiseFast.leakyRelu(s, d, n, a);
        });
        act(r, "Elu", 8, node -> {
            double a = node.attrFloat("alpha", 1f);
            return x -> x < 0 ? a * (Math.exp(x) - 1) : x;
        });
        act(r, "Selu", 8, node -> {
            double a = node.attrFloat("alpha", 1.67326319217681884765625f);
            double g = node.attrFloat("gamma", 1.05070102214813232421875f);
            return x -> x > 0 ? g * x : g * (a * Math.exp(x) - a);
        });
        act(r, "Celu", 8, node -> {
            double a = node.attrFloat("alpha", 1f);
            return x -> Math.max(0, x) + Math.min(0, a * (Math.exp(x / a) - 1));
        });
        act(r, "ThresholdedRelu", 1, node -> {
            double a = node.attrFloat("alpha", 1f);
            return x -> x > a ? x : 0;
        });
        act(r, "Sigmoid", 8, node -> ActivationOps::sigmoid, node -> ElementwiseFast::sigmoid);
        act(r, "HardSigmoid", 1, node -> {
            double a = node.attrFloat("alpha", 0.2f);
            double b = node.attrFloat("beta", 0.5f);
            return x -> Math.max(0, Math.min(1, a * x + b));
        }, node -> {
            float a = node.attrFloat("alpha", 0.2f);
            float b = node.attrFloat("beta", 0.5f);
            return (s, d, n) -> ElementwiseFast.hardSigmoid(s, d, n, a, b);
        });
        act(r, "HardSwish", 1, node -> x -> x * Math.max(0, Math.min(1, x / 6 + 0.5)), node -> ElementwiseFast::hardSwish);
        act(r, "Tanh", 8, node -> Math::tanh, node -> ElementwiseFast::tanh);
        act(r, "Softplus", 8, node -> ActivationOps::softplus);
        act(r, "Softsign", 2, node -> x -> x / (1 + Math.abs(x)));
        act(r, "Mish", 16, node -> x -> x * Math.tanh(softplus(x)));
        act(r, "Gelu", 16, node -> {
            String mode = node.attrString("approximate", "none");
            if (mode.equals("tanh")) {
                return x -> 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
            }
            if (!mode.equals("none")) {
                throw new InvalidInputException(node + ": approximate must be 'none' or 'tanh', got '" + mode + "'");
            }
            return x -> 0.5 * x * (1 + ElementwiseMath.erf(x * INV_SQRT_2));
        }, node -> node.attrString("approximate", "none").equals("none") ? ElementwiseFast::gelu : null);
        r.register("Shrink", (node, in, ctx) -> {
            double l = node.attrFloat("lambd", 0.5f);
            double b = node.attrFloat("bias", 0f);
            DoubleUnaryOperator f = x -> x < -l ? x + b : x > l ? x - b : 0;
            return new Tensor[] {ElementwiseKernels.unary(node, in[0], null, f, v -> (long) f.applyAsDouble(v), 1, ctx)};
        });
        r.register("PRelu", ActivationOps::prelu);
        r.register("Softmax", (node, in, ctx) -> new Tensor[] {
                ActivationSoftmax.run(ActivationSoftmax.Kind.SOFTMAX, node, in[0], ctx)});
        r.register("LogSoftmax", (node, in, ctx) -> new Tensor[] {
                ActivationSoftmax.run(ActivationSoftmax.Kind.LOG_SOFTMAX, node, in[0], ctx)});
        r.register("Hardmax", (node, in, ctx) -> new Tensor[] {
                ActivationSoftmax.run(ActivationSoftmax.Kind.HARDMAX, node, in[0], ctx)});
    }

    /** Registers a float activation whose function depends on the node's attributes. */
    private static void act(OpRegistry r, String name, long cost, Function<Node, DoubleUnaryOperator> make) {
        act(r, name, cost, make, node -> null);
    }

    /** Registers an activation with a float32 block loop ({@code fast} may give null: none for that node). */
    private static void act(OpRegistry r, String name, long cost, Function<Node, DoubleUnaryOperator> make,
                            Function<Node, ElementwiseKernels.FloatBlock> fast) {
        r.register(name, (node, in, ctx) -> {
            // make first: it validates the attributes and throws the node's error.
            DoubleUnaryOperator f = make.apply(node);
            ElementwiseKernels.FloatBlock fb = in[0].dataType() == DataType.FLOAT ? fast.apply(node) : null;
            return new Tensor[] {ElementwiseKernels.unary(node, in[0], null, fb, f, null, cost, ctx)};
        });
    }

    /** @param x argument @return 1/(1+e^-x), without overflow for large negative x */
    static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /** @param x argument @return log(1+e^x), without overflow for large x */
    static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    private static Tensor relu(Node node, Tensor x, ExecContext ctx) {
        if (x.dataType() != DataType.FLOAT) {
            return ElementwiseKernels.unary(node, x, null, v -> v < 0 ? 0 : v, v -> v < 0 ? 0 : v, 1, ctx);
        }
        // The hot path of most CNNs: a plain loop the JIT vectorises.
        return ElementwiseKernels.mapFloat(x, 1, ctx, ElementwiseFast::relu);
    }

    /**
     * PRelu: slope broadcasts unidirectionally to X. Old exporters give a per-channel slope of
     * shape [C] for X [N, C, ...]; that is lined up with dim 1.
     */
    private static Tensor[] prelu(Node node, Tensor[] in, ExecContext ctx) {
        ElementwiseOps.requireInputs(node, in, 2);
        Tensor x = in[0];
        Tensor slope = in[1];
        long[] xs = x.shape();
        if (!broadcastsTo(slope.shape(), xs) && slope.rank() == 1 && xs.length >= 2 && slope.dim(0) == xs[1]) {
            long[] s = new long[xs.length - 1];
            Arrays.fill(s, 1);
            s[0] = xs[1];
            slope = slope.reshape(s);
        }
        if (!broadcastsTo(slope.shape(), xs)) {
            throw new InvalidInputException(node + ": slope " + Arrays.toString(slope.shape())
                    + " does not broadcast to X " + Arrays.toString(xs));
        }
        BinaryOp op = new BinaryOp(FloatFast.NONE, (v, s) -> v < 0 ? s * v : v, (v, s) -> v < 0 ? s * v : v);
        return new Tensor[] {ElementwiseKernels.binary(node, x, slope, x.dataType(), op, ctx)};
    }

    private static boolean broadcastsTo(long[] s, long[] target) {
        if (s.length > target.length) {
            return false;
        }
        for (int i = 0; i < s.length; i++) {
            long d = s[s.length - 1 - i];
            if (d != 1 && d != target[target.length - 1 - i]) {
                return false;
            }
        }
        return true;
    }
}
