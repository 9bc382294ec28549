package dev.clinfer.ops;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.ir.Node;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The sub-expression a {@code dev.clinfer.FusedElementwise} node computes: a straight-line
 * program of float32 elementwise steps over the node's inputs (broadcast to the output shape).
 * The Java kernel ({@link FusedElementwiseKernel}) interprets it block by block; the OpenCL
 * launcher compiles it to a kernel body.
 *
 * <p>Encoding as node attributes: {@code ops} (STRINGS, one op per step), {@code args} (INTS,
 * two operand references per step, -1 when unused) and {@code params} (FLOATS, two per step:
 * Clip min/max, HardSigmoid alpha/beta, LeakyRelu alpha, the value of a Const step). A reference
 * {@code r < inputs} names node input {@code r}; {@code r >= inputs} names the result of step
 * {@code r - inputs}. The last step's result is the node's output.
 */
public final class FusedExpression {
    /** Elementwise ops a fused program may hold, with their operand count. */
    public enum Op {
        /** A literal ({@code p0}). */
        Const(0),
        /** a + b. */
        Add(2),
        /** a - b. */
        Sub(2),
        /** a * b. */
        Mul(2),
        /** a / b. */
        Div(2),
        /** a ^ b. */
        Pow(2),
        /** max(a, b). */
        Max(2),
        /** min(a, b). */
        Min(2),
        /** -a. */
        Neg(1),
        /** |a|. */
        Abs(1),
        /** max(a, 0). */
        Relu(1),
        /** logistic. */
        Sigmoid(1),
        /** tanh. */
        Tanh(1),
        /** e^a. */
        Exp(1),
        /** ln a. */
        Log(1),
        /** square root. */
        Sqrt(1),
        /** 1 / a. */
        Reciprocal(1),
        /** error function. */
        Erf(1),
        /** floor. */
        Floor(1),
        /** ceiling. */
        Ceil(1),
        /** a. */
        Identity(1),
        /** ln(1 + e^a). */
        Softplus(1),
        /** a * hardsigmoid(a; 1/6, 1/2). */
        HardSwish(1),
        /** min(max(a, p0), p1). */
        Clip(1),
        /** max(0, min(1, p0 * a + p1)). */
        HardSigmoid(1),
        /** a < 0 ? p0 * a : a. */
        LeakyRelu(1);

        private final int arity;

        Op(int arity) {
            this.arity = arity;
        }

        /** @return operand count */
        public int arity() {
            return arity;
        }
    }

    /** ONNX op types the fusion pass may absorb (Clip only with constant bounds). */
    public static final Set<String> FUSABLE = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Neg", "Abs",
            "Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Reciprocal", "Erf", "Floor", "Ceil", "Identity",
            "Softplus", "HardSwish", "Clip", "HardSigmoid", "LeakyRelu");

    /**
     * One step.
     *
     * @param op the op
     * @param a  first operand reference (-1 when unused)
     * @param b  second operand reference (-1 when unused)
     * @param p0 first parameter
     * @param p1 second parameter
     */
    public record Step(Op op, int a, int b, float p0, float p1) {
    }

    private final int inputs;
    private final List<Step> steps;

    /**
     * @param inputs number of node inputs
     * @param steps  the program (at least one step)
     */
    public FusedExpression(int inputs, List<Step> steps) {
        this.inputs = inputs;
        this.steps = Collections.unmodifiableList(new ArrayList<>(steps));
        validate(null);
    }

    /**
     * @param node a FusedElementwise node
     * @return its program
     * @throws InvalidInputException when the attributes are malformed
     */
    public static FusedExpression of(Node node) {
        List<String> ops = node.attrStrings("ops");
        long[] args = node.attrInts("args", new long[0]);
        float[] params = node.attrFloats("params", new float[0]);
        if (ops == null || ops.isEmpty() || args.length != 2 * ops.size() || params.length != 2 * ops.size()) {
            throw new InvalidInputException(node + ": FusedElementwise needs ops, args (2 per op) and params (2 per op)");
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            Op op;
            try {
                op = Op.valueOf(ops.get(i));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(node + ": unknown fused op '" + ops.get(i) + "'");
            }
            steps.add(new Step(op, (int) args[2 * i], (int) args[2 * i + 1], params[2 * i], params[2 * i + 1]));
        }
        try {
            return new FusedExpression(node.inputs().size(), steps);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(node + ": " + e.getMessage());
        }
    }

    private void validate(Node node) {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("fused program has no steps");
        }
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            int[] refs = {s.a(), s.b()};
            for (int k = 0; k < 2; k++) {
                boolean used = k < s.op().arity();
                if (used && (refs[k] < 0 || refs[k] >= inputs + i)) {
                    throw new IllegalArgumentException("step " + i + " (" + s.op() + ") refers to " + refs[k]
                            + ", outside [0, " + (inputs + i) + ")");
                }
            }
        }
    }

    /** @return number of node inputs */
    public int inputs() {
        return inputs;
    }

    /** @return the steps */
    public List<Step> steps() {
        return steps;
    }

    /** @return ops as the {@code ops} attribute */
    public List<String> opNames() {
        List<String> l = new ArrayList<>();
        steps.forEach(s -> l.add(s.op().name()));
        return l;
    }

    /** @return operand references as the {@code args} attribute */
    public long[] argsAttribute() {
        long[] a = new long[2 * steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            a[2 * i] = steps.get(i).a();
            a[2 * i + 1] = steps.get(i).b();
        }
        return a;
    }

    /** @return parameters as the {@code params} attribute */
    public float[] paramsAttribute() {
        float[] p = new float[2 * steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            p[2 * i] = steps.get(i).p0();
            p[2 * i + 1] = steps.get(i).p1();
        }
        return p;
    }

    /**
     * Evaluates one step on scalars (float32 arithmetic, as the kernels do).
     *
     * @param s the step
     * @param a first operand
     * @param b second operand
     * @return the result
     */
    public static float eval(Step s, float a, float b) {
        return switch (s.op()) {
            case Const -> s.p0();
            case Add -> a + b;
            case Sub -> a - b;
            case Mul -> a * b;
            case Div -> a / b;
            case Pow -> b == 2f ? a * a : (float) Math.pow(a, b);
            case Max -> Math.max(a, b);
            case Min -> Math.min(a, b);
            case Neg -> -a;
            case Abs -> Math.abs(a);
            case Relu -> Math.max(a, 0f);
            case Sigmoid -> (float) (1 / (1 + Math.exp(-a)));
            case Tanh -> (float) Math.tanh(a);
            case Exp -> (float) Math.exp(a);
            case Log -> (float) Math.log(a);
            case Sqrt -> (float) Math.sqrt(a);
            case Reciprocal -> 1f / a;
            case Erf -> FusedMath.erf(a);
            case Floor -> (float) Math.floor(a);
            case Ceil -> (float) Math.ceil(a);
            case Identity -> a;
            case Softplus -> (float) (a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a)));
            case HardSwish -> a * Math.max(0f, Math.min(1f, a / 6f + 0.5f));
            case Clip -> Math.min(Math.max(a, s.p0()), s.p1());
            case HardSigmoid -> Math.max(0f, Math.min(1f, s.p0() * a + s.p1()));
            case LeakyRelu -> a < 0 ? s.p0() * a : a;
        };
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            sb.append(i == 0 ? "" : "; ").append('t').append(i).append('=').append(s.op());
            if (s.op() == Op.Const) {
                sb.append('(').append(s.p0()).append(')');
                continue;
            }
            sb.append('(').append(ref(s.a()));
            if (s.op().arity() > 1) {
                sb.append(", ").append(ref(s.b()));
            }
            sb.append(')');
        }
        return sb.toString();
    }

    private String ref(int r) {
        return r < inputs ? "in" + r : "t" + (r - inputs);
    }
}
