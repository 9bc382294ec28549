package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.opencl.DeviceOp;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;

import java.util.Arrays;
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
                out = reshape(node, s, ctx);
                break;
            case "Flatten":
                out = flatten(node, s);
                break;
            case "Squeeze":
                out = squeeze(node, s, node.opset() < 13 ? node.attrInts("axes", null)
                        : LayoutParams.longs(node, 1, ctx, false));
                break;
            case "Unsqueeze":
                out = unsqueeze(node, s, node.opset() < 13 ? node.attrInts("axes", null)
                        : LayoutParams.longs(node, 1, ctx, false));
                break;
            default:
                out = s;
                break;
        }
        return new DeviceTensor[] {x.reshape(out)};
    }

    private static long[] reshape(Node node, long[] in, DeviceOpContext ctx) {
        long[] target = node.opset() < 5 ? node.attrInts("shape", null) : LayoutParams.longs(node, 1, ctx, false);
        if (target == null) {
            throw new InvalidInputException(node + ": Reshape has no shape");
        }
        boolean allowZero = node.attrInt("allowzero", 0) != 0;
        long[] out = target.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                if (i >= in.length) {
                    throw new InvalidInputException(node + ": shape " + Arrays.toString(target) + " copies dim " + i
                            + " but the input " + Arrays.toString(in) + " has rank " + in.length);
                }
                out[i] = in[i];
            }
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new InvalidInputException(node + ": shape " + Arrays.toString(target) + " has two -1 dims");
                }
                infer = i;
            } else if (out[i] < 0) {
                throw new InvalidInputException(node + ": shape " + Arrays.toString(target) + " has a negative dim");
            } else {
                known *= out[i];
            }
        }
        long total = Tensor.elementCount(in);
        if (infer >= 0) {
            if (known == 0 || total % known != 0) {
                throw new InvalidInputException(node + ": cannot reshape " + Arrays.toString(in) + " to "
                        + Arrays.toString(target));
            }
            out[infer] = total / known;
        } else if (known != total) {
            throw new InvalidInputException(node + ": cannot reshape " + Arrays.toString(in) + " (" + total
                    + " elements) to " + Arrays.toString(target));
        }
        return out;
    }

    private static long[] flatten(Node node, long[] s) {
        long axis = node.attrInt("axis", 1);
        if (axis < 0) {
            axis += s.length;
        }
        if (axis < 0 || axis > s.length) {
            throw new InvalidInputException(node + ": axis " + node.attrInt("axis", 1) + " is out of range for rank "
                    + s.length);
        }
        long outer = 1;
        long inner = 1;
        for (int i = 0; i < s.length; i++) {
            if (i < axis) {
                outer *= s[i];
            } else {
                inner *= s[i];
            }
        }
        return new long[] {outer, inner};
    }

    private static long[] squeeze(Node node, long[] s, long[] axes) {
        boolean[] drop = new boolean[s.length];
        if (axes == null) {
            for (int i = 0; i < s.length; i++) {
                drop[i] = s[i] == 1;
            }
        } else {
            for (long a : axes) {
                int ax = LayoutParams.axis(a, s.length, node);
                if (s[ax] != 1) {
                    throw new InvalidInputException(node + ": cannot squeeze axis " + a + " of shape "
                            + Arrays.toString(s) + " (size " + s[ax] + ", not 1)");
                }
                drop[ax] = true;
            }
        }
        long[] out = new long[s.length];
        int m = 0;
        for (int i = 0; i < s.length; i++) {
            if (!drop[i]) {
                out[m++] = s[i];
            }
        }
        return Arrays.copyOf(out, m);
    }

    private static long[] unsqueeze(Node node, long[] s, long[] axes) {
        if (axes == null) {
            throw new InvalidInputException(node + ": Unsqueeze needs axes");
        }
        int rank = s.length + axes.length;
        boolean[] add = new boolean[rank];
        for (long a : axes) {
            int ax = LayoutParams.axis(a, rank, node);
            if (add[ax]) {
                throw new InvalidInputException(node + ": axis " + a + " repeats in " + Arrays.toString(axes));
            }
            add[ax] = true;
        }
        long[] out = new long[rank];
        for (int i = 0, j = 0; i < rank; i++) {
            out[i] = add[i] ? 1 : s[j++];
        }
        return out;
    }
}
