package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.opencl.DeviceOp;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;
import dev.clinfer.ops.ShapeOps;

import java.util.List;

/**
 * Ops that only relabel the shape: Reshape, Flatten, Squeeze, Unsqueeze, Identity, inference
 * Dropout and float-to-float Cast/CastLike. They return a view of the input buffer; no kernel runs.
 */
final class LayoutViews implements DeviceOp {
    @Override
    public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static st) {
        if (!LayoutIndexing.isFloat(LayoutIndexing.info(inputs, 0))) {
            return false;
        }
        switch (node.opType()) {
            case "Reshape":
                return node.opset() < 5 ? node.hasAttr("shape") : LayoutIndexing.present(node, 1)
                        && LayoutParams.hostInts(node, 1, inputs, st);
            case "Squeeze":
            case "Unsqueeze":
                return node.opset() < 13 || LayoutParams.hostInts(node, 1, inputs, st);
            case "Dropout":
                return dropoutIsIdentity(node, st);
            case "Cast":
                return node.attrInt("to", -1) == DataType.FLOAT.onnxCode();
            case "CastLike": {
                ValueInfo like = LayoutIndexing.info(inputs, 1);
                return like != null && like.type() == DataType.FLOAT;
            }
            default:
                return true;
        }
    }

    /** Inference Dropout without the mask output; training mode only with constant inputs that disable it. */
    private static boolean dropoutIsIdentity(Node node, DeviceOpContext.Static st) {
        if (LayoutIndexing.wantsOutput(node, 1)) {
            return false;
        }
        if (node.opset() >= 12) {
            if (!LayoutIndexing.present(node, 2)) {
                return true;
            }
            Tensor train = st.constant(node.inputs().get(2));
            if (train == null) {
                return false;
            }
            if (!train.getBoolean(0)) {
                return true;
            }
            Tensor ratio = LayoutIndexing.present(node, 1) ? st.constant(node.inputs().get(1)) : null;
            return ratio != null && ratio.getDouble(0) == 0;
        }
        return !(node.opset() < 7 && node.attrInt("is_test", 0) == 0 && node.attrFloat("ratio", 0.5f) != 0);
    }

    @Override
    public DeviceTensor[] enqueue(Node node, DeviceTensor[] inputs, DeviceOpContext ctx) {
        DeviceTensor x = inputs[0];
        long[] s = x.shape();
        long[] out;
        switch (node.opType()) {
            case "Reshape":
                out = ShapeOps.reshapeShape(node, s, node.opset() < 5 ? node.attrInts("shape", null)
                        : LayoutParams.longs(node, 1, ctx, false));
                break;
            case "Flatten":
                out = ShapeOps.flattenShape(node, s);
                break;
            case "Squeeze":
                out = ShapeOps.squeezeShape(node, s, node.opset() < 13 ? node.attrInts("axes", null)
                        : LayoutParams.longs(node, 1, ctx, false));
                break;
            case "Unsqueeze":
                out = ShapeOps.unsqueezeShape(node, s, node.opset() < 13 ? node.attrInts("axes", null)
                        : LayoutParams.longs(node, 1, ctx, false));
                break;
            default:
                out = s;
                break;
        }
        return new DeviceTensor[] {x.reshape(out)};
    }
}
