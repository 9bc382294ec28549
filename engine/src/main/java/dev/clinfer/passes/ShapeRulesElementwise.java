package dev.clinfer.passes;

import dev.clinfer.api.DataType;
import dev.clinfer.ir.Dim;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Shape rules of elementwise ops: unary ones keep their input's shape, n-ary ones broadcast. */
final class ShapeRulesElementwise {
    private static final String[] UNARY = {
        "Identity", "Relu", "LeakyRelu", "PRelu", "Sigmoid", "Tanh", "Elu", "Selu", "Celu", "Gelu", "HardSigmoid",
        "HardSwish", "Softplus", "Softsign", "Mish", "ThresholdedRelu", "Exp", "Log", "Sqrt", "Abs", "Neg",
        "Reciprocal", "Floor", "Ceil", "Round", "Sign", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh",
        "Asinh", "Acosh", "Atanh", "Erf", "Clip", "Softmax", "LogSoftmax", "Hardmax", "InstanceNormalization",
        "GroupNormalization", "LpNormalization", "LRN", "MeanVarianceNormalization", "Shrink", "CumSum", "Trilu",
        "ReverseSequence", "BitwiseNot", "ScatterND", "ScatterElements", "Scatter", "Binarizer",
    };
    private static final String[] UNARY_BOOL = {"Not", "IsNaN", "IsInf"};
    private static final String[] BROADCAST = {
        "Add", "Sub", "Mul", "Div", "Pow", "Mod", "Max", "Min", "Sum", "Mean", "BitShift", "BitwiseAnd", "BitwiseOr",
        "BitwiseXor",
    };
    private static final String[] BROADCAST_BOOL = {
        "Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual", "And", "Or", "Xor",
    };

    private ShapeRulesElementwise() {
    }

    static void register(Map<String, ShapeRules.Rule> m) {
        for (String op : UNARY) {
            m.put(op, (n, c) -> c.set(n, 0, c.type(n, 0), c.shape(n, 0)));
        }
        for (String op : UNARY_BOOL) {
            m.put(op, (n, c) -> c.set(n, 0, DataType.BOOL, c.shape(n, 0)));
        }
        for (String op : BROADCAST) {
            m.put(op, ShapeRulesElementwise::broadcast);
        }
        for (String op : BROADCAST_BOOL) {
            m.put(op, (n, c) -> c.set(n, 0, DataType.BOOL, broadcastShape(n, c, 0)));
        }
        m.put("Where", (n, c) -> c.set(n, 0, c.type(n, 1), broadcastShape(n, c, 0)));
        m.put("Dropout", (n, c) -> {
            c.set(n, 0, c.type(n, 0), c.shape(n, 0));
            c.set(n, 1, DataType.BOOL, c.shape(n, 0));
        });
        m.put("RandomNormalLike", ShapeRulesElementwise::likeWithDtype);
        m.put("RandomUniformLike", ShapeRulesElementwise::likeWithDtype);
        m.put("Bernoulli", ShapeRulesElementwise::likeWithDtype);
        m.put("EyeLike", ShapeRulesElementwise::likeWithDtype);
        m.put("QuantizeLinear", (n, c) -> c.set(n, 0, c.has(n, 2) ? c.type(n, 2) : DataType.UINT8, c.shape(n, 0)));
        m.put("DequantizeLinear", (n, c) -> c.set(n, 0, c.type(n, 1) != null ? c.type(n, 1) : DataType.FLOAT,
                c.shape(n, 0)));
        m.put("DynamicQuantizeLinear", (n, c) -> {
            c.set(n, 0, DataType.UINT8, c.shape(n, 0));
            c.set(n, 1, DataType.FLOAT, Shape.of());
            c.set(n, 2, DataType.UINT8, Shape.of());
        });
    }

    private static void likeWithDtype(Node n, ShapeInferenceContext c) {
        DataType t = n.hasAttr("dtype") ? DataType.fromOnnx((int) n.attrInt("dtype", 1)) : c.type(n, 0);
        c.set(n, 0, t, c.shape(n, 0));
    }

    /** @return the broadcast of inputs [from, end) */
    static Shape broadcastShape(Node n, ShapeInferenceContext c, int from) {
        List<Shape> shapes = new ArrayList<>();
        for (int k = from; k < n.inputs().size(); k++) {
            if (c.has(n, k)) {
                shapes.add(c.shape(n, k));
            }
        }
        return ShapeInferenceDims.broadcast(shapes);
    }

    private static void broadcast(Node n, ShapeInferenceContext c) {
        DataType t = c.type(n, 0);
        c.set(n, 0, t, broadcastShape(n, c, 0));
        if (n.inputs().size() == 2 && t != null && t.isInteger()) {
            List<Dim> a = c.dimValues(n, 0);
            List<Dim> b = c.dimValues(n, 1);
            if (a != null && b != null) {
                List<Dim> v = dimArithmetic(n.opType(), a, b);
                Shape s = c.shape(n, 0);
                if (v != null) {
                    c.setDimValues(n, 0, t, v, s.hasRank() && s.rank() == 0 && c.shape(n, 1).hasRank()
                            && c.shape(n, 1).rank() == 0);
                }
            }
        }
    }

    /** Arithmetic on dim values (e.g. Shape(x)[1] * 64) where the result can be told. */
    private static List<Dim> dimArithmetic(String op, List<Dim> a, List<Dim> b) {
        int len = Math.max(a.size(), b.size());
        if ((a.size() != len && a.size() != 1) || (b.size() != len && b.size() != 1)) {
            return null;
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < len; i++) {
            Dim x = ShapeInferenceContext.asShapeDim(a.get(a.size() == 1 ? 0 : i));
            Dim y = ShapeInferenceContext.asShapeDim(b.get(b.size() == 1 ? 0 : i));
            Dim r;
            switch (op) {
                case "Mul":
                    r = ShapeInferenceDims.mul(x, y);
                    break;
                case "Add":
                    r = ShapeInferenceDims.add(x, y);
                    break;
                case "Sub":
                    r = x.isKnown() && y.isKnown() ? Dim.of(x.value() - y.value())
                            : ShapeInferenceDims.is(y, 0) ? x : Dim.unknown();
                    break;
                case "Div":
                    r = x.isKnown() && y.isKnown() && y.value() != 0 ? Dim.of(Math.floorDiv(x.value(), y.value()))
                            : ShapeInferenceDims.is(y, 1) ? x : Dim.unknown();
                    break;
                default:
                    return null;
            }
            out.add(r.isKnown() && r.value() < 0 ? ShapeInferenceContext.marker(r.value()) : r);
        }
        return out;
    }
}
