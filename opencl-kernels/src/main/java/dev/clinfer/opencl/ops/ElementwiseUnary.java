package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.DeviceOp;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;

import java.util.List;

/** Launcher of the float unary ops and activations: one work item per element. */
final class ElementwiseUnary implements DeviceOp {
    @Override
    public List<ProgramRef> programs(Node node, DeviceOpContext.Static st) {
        return List.of(new ProgramRef(ElementwiseLaunchers.FILE, ElementwiseLaunchers.options(node.opType())));
    }

    @Override
    public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static st) {
        if (!LayoutIndexing.isFloat(LayoutIndexing.info(inputs, 0))) {
            return false;
        }
        switch (node.opType()) {
            case "Gelu": {
                String m = node.attrString("approximate", "none");
                return m.equals("none") || m.equals("tanh");
            }
            case "Clip":
                if (node.opset() < 11) {
                    return true;
                }
                // Bounds must be float scalar constants: reading them at run time would be a host sync.
                for (int i = 1; i <= 2; i++) {
                    if (!LayoutIndexing.present(node, i)) {
                        continue;
                    }
                    Tensor c = st.constant(node.inputs().get(i));
                    if (c == null || c.dataType() != DataType.FLOAT || c.size() != 1) {
                        return false;
                    }
                }
                return true;
            case "Celu":
                return node.attrFloat("alpha", 1f) != 0;
            default:
                return true;
        }
    }

    @Override
    public DeviceTensor[] enqueue(Node node, DeviceTensor[] inputs, DeviceOpContext ctx) {
        DeviceTensor x = inputs[0];
        float[] p = params(node, ctx);
        DeviceTensor y = ctx.allocate(DataType.FLOAT, x.shape());
        int n = LayoutIndexing.count(node, x.shape());
        if (n > 0) {
            String op = node.opType();
            if (op.equals("Gelu") && node.attrString("approximate", "none").equals("tanh")) {
                op = "Gelu_Tanh";
            }
            ClKernel k = ctx.kernel(ElementwiseLaunchers.FILE, ElementwiseLaunchers.options(op), "unary");
            k.arg(0, x.buffer()).arg(1, y.buffer()).arg(2, n).arg(3, p[0]).arg(4, p[1]);
            ctx.launch(k, LayoutIndexing.global(n), null);
        }
        return new DeviceTensor[] {y};
    }

    /** The two float parameters (a, b) the op's body reads. */
    private static float[] params(Node node, DeviceOpContext ctx) {
        switch (node.opType()) {
            case "LeakyRelu":
                return new float[] {node.attrFloat("alpha", 0.01f), 0};
            case "Elu":
            case "Celu":
                return new float[] {node.attrFloat("alpha", 1f), 0};
            case "Selu":
                return new float[] {node.attrFloat("alpha", 1.67326319217681884765625f),
                        node.attrFloat("gamma", 1.05070102214813232421875f)};
            case "ThresholdedRelu":
                return new float[] {node.attrFloat("alpha", 1f), 0};
            case "HardSigmoid":
                return new float[] {node.attrFloat("alpha", 0.2f), node.attrFloat("beta", 0.5f)};
            case "Shrink":
                return new float[] {node.attrFloat("lambd", 0.5f), node.attrFloat("bias", 0f)};
            case "Clip":
                return clipBounds(node, ctx);
            default:
                return new float[] {0, 0};
        }
    }

    private static float[] clipBounds(Node node, DeviceOpContext ctx) {
        if (node.opset() < 11) {
            return new float[] {node.attrFloat("min", Float.NEGATIVE_INFINITY),
                    node.attrFloat("max", Float.POSITIVE_INFINITY)};
        }
        float[] b = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        for (int i = 1; i <= 2; i++) {
            Tensor t = LayoutIndexing.present(node, i) ? ctx.hostInput(node, i) : null;
            if (t == null) {
                continue;
            }
            if (t.size() != 1) {
                throw new InvalidInputException(node + ": min and max must be scalars, got " + t);
            }
            b[i - 1] = (float) t.getDouble(0);
        }
        return b;
    }
}
