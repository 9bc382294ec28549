package dev.clinfer.opencl.ops;

import java.util.List;

/**
 * OpenCL launchers: unary and binary elementwise ops and activations, one template
 * (elementwise.cl) whose op body is chosen by a {@code -DOP_<NAME>} build option.
 */
public final class ElementwiseLaunchers {
    /** The kernel source. */
    static final String FILE = "elementwise.cl";

    /** Float unary ops and activations whose body is in elementwise.cl (Clip and Gelu included). */
    static final List<String> UNARY = List.of("Relu", "LeakyRelu", "Elu", "Selu", "Celu", "ThresholdedRelu",
            "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Softplus", "Softsign", "Mish", "Gelu", "Shrink", "Clip",
            "Exp", "Log", "Sqrt", "Abs", "Neg", "Reciprocal", "Floor", "Ceil", "Round", "Sign", "Erf",
            "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh");

    /** Binary ops with numpy broadcasting; Max/Min/Sum/Mean are variadic. */
    static final List<String> BINARY = List.of("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean",
            "PRelu");

    private ElementwiseLaunchers() {
    }

    /** @param op op type @return its build options, e.g. {@code -DOP_ADD} */
    static String options(String op) {
        return "-DOP_" + op.toUpperCase(java.util.Locale.ROOT);
    }

    /** @param r the registry to fill */
    public static void register(DeviceOps r) {
        for (String op : UNARY) {
            r.register(op, new ElementwiseUnary());
        }
        for (String op : BINARY) {
            r.register(op, new ElementwiseBinary());
        }
        r.register("Where", new ElementwiseWhere());
    }
}
