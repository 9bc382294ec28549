package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.api.UnsupportedOperatorException;
import dev.clinfer.ir.Node;

import java.util.Arrays;
import java.util.List;

/**
 * Java CPU kernels: shape and layout operators. The ops that only relabel dims (Reshape,
 * Flatten, Squeeze, Unsqueeze) return views of their input; the ones that move elements live in
 * {@link ShapeLayoutOps}, {@link ShapeSliceOps}, {@link ShapePadOps} and {@link ShapeIndexOps}.
 */
public final class ShapeOps {
    private ShapeOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        r.register("Constant", ShapeOps::constant);
        r.register("Reshape", ShapeOps::reshape);
        r.register("Flatten", ShapeOps::flatten);
        r.register("Squeeze", ShapeOps::squeeze);
        r.register("Unsqueeze", ShapeOps::unsqueeze);
        r.register("Shape", ShapeOps::shape);
        r.register("ConstantOfShape", ShapeOps::constantOfShape);
        ShapeLayoutOps.register(r);
        ShapeSliceOps.register(r);
        ShapePadOps.register(r);
        ShapeIndexOps.register(r);
    }

    static Tensor[] one(Tensor t) {
        return new Tensor[] {t};
    }

    static Tensor input(Node node, Tensor[] in, int k) {
        return k < in.length ? in[k] : null;
    }

    static Tensor required(Node node, Tensor[] in, int k) {
        Tensor t = input(node, in, k);
        if (t == null) {
            throw new InvalidInputException(node + ": required input #" + k + " is missing");
        }
        return t;
    }

    private static Tensor[] constant(Node node, Tensor[] in, ExecContext ctx) {
        if (node.hasAttr("value")) {
            return one(node.attrTensor("value"));
        }
        if (node.hasAttr("sparse_value")) {
            return one(node.attrTensor("sparse_value"));
        }
        if (node.hasAttr("value_float")) {
            return one(Tensor.of(new float[] {node.attrFloat("value_float", 0)}));
        }
        if (node.hasAttr("value_floats")) {
            float[] f = node.attrFloats("value_floats", new float[0]);
            return one(Tensor.of(f, f.length));
        }
        if (node.hasAttr("value_int")) {
            return one(Tensor.ofLongs(new long[] {node.attrInt("value_int", 0)}));
        }
        if (node.hasAttr("value_ints")) {
            long[] v = node.attrInts("value_ints", new long[0]);
            return one(Tensor.ofLongs(v, v.length));
        }
        if (node.hasAttr("value_string")) {
            return one(Tensor.ofStrings(new String[] {node.attrString("value_string", "")}));
        }
        if (node.hasAttr("value_strings")) {
            List<String> s = node.attrStrings("value_strings");
            return one(Tensor.ofStrings(s.toArray(new String[0]), s.size()));
        }
        throw new UnsupportedOperatorException(node + ": Constant has none of the value attributes");
    }

    /**
     * Resolves a Reshape target: 0 copies the input dim (unless allowzero), -1 is inferred.
     *
     * @param node      for messages
     * @param in        input dims
     * @param target    requested dims
     * @param allowZero whether 0 means a zero-size dim
     * @return the output dims
     */
    public static long[] reshapeTarget(Node node, long[] in, long[] target, boolean allowZero) {
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

    private static Tensor[] reshape(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = required(node, in, 0);
        long[] target = node.opset() < 5 ? node.attrInts("shape", null) : OpUtil.longs(required(node, in, 1));
        return one(x.reshape(reshapeShape(node, x.shape(), target)));
    }

    /**
     * Output dims of Reshape: the requested {@code target} (the {@code shape} attribute before
     * opset 5, input #1 after) resolved against the input dims, honouring {@code allowzero}.
     *
     * @param node   the Reshape node (attributes, messages)
     * @param in     input dims
     * @param target requested dims, or null when the node has none (an error)
     * @return the output dims
     */
    public static long[] reshapeShape(Node node, long[] in, long[] target) {
        if (target == null) {
            throw new InvalidInputException(node + ": Reshape has no shape");
        }
        return reshapeTarget(node, in, target, node.attrInt("allowzero", 0) != 0);
    }

    private static Tensor[] flatten(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = required(node, in, 0);
        return one(x.reshape(flattenShape(node, x.shape())));
    }

    /**
     * Output dims of Flatten: {@code [prod(s[0..axis)), prod(s[axis..))]}.
     *
     * @param node the Flatten node ({@code axis} attribute, messages)
     * @param s    input dims
     * @return the two output dims
     */
    public static long[] flattenShape(Node node, long[] s) {
        long axis = node.attrInt("axis", 1);
        if (axis < 0) {
            axis += s.length;
        }
        if (axis < 0 || axis > s.length) {
            throw new InvalidInputException(node + ": axis " + node.attrInt("axis", 1) + " is out of range for rank "
                    + s.length);
        }
        long outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= s[i];
        }
        return new long[] {outer, inner(s, (int) axis)};
    }

    private static long inner(long[] s, int axis) {
        long n = 1;
        for (int i = axis; i < s.length; i++) {
            n *= s[i];
        }
        return n;
    }

    /** Axes from the attribute (before {@code sinceInput}) or from input #1. */
    static long[] axesArg(Node node, Tensor[] in, int sinceInput) {
        if (node.opset() < sinceInput) {
            return node.attrInts("axes", null);
        }
        return OpUtil.longs(input(node, in, 1));
    }

    private static Tensor[] squeeze(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = required(node, in, 0);
        return one(x.reshape(squeezeShape(node, x.shape(), axesArg(node, in, 13))));
    }

    /**
     * Output dims of Squeeze.
     *
     * @param node the Squeeze node (messages)
     * @param s    input dims
     * @param axes axes to drop (each must have size 1); null or empty drops every size-1 dim
     * @return the output dims
     */
    public static long[] squeezeShape(Node node, long[] s, long[] axes) {
        boolean[] drop = new boolean[s.length];
        if (axes == null || axes.length == 0) { // an empty axes input means "all", as in ORT
            for (int i = 0; i < s.length; i++) {
                drop[i] = s[i] == 1;
            }
        } else {
            for (long a : axes) {
                int ax = OpUtil.axis(a, s.length, node);
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

    private static Tensor[] unsqueeze(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = required(node, in, 0);
        return one(x.reshape(unsqueezeShape(node, x.shape(), axesArg(node, in, 13))));
    }

    /**
     * Output dims of Unsqueeze: a size-1 dim at each of {@code axes} (relative to the output rank).
     *
     * @param node the Unsqueeze node (messages)
     * @param s    input dims
     * @param axes where to insert dims; null is an error
     * @return the output dims
     */
    public static long[] unsqueezeShape(Node node, long[] s, long[] axes) {
        if (axes == null) {
            throw new InvalidInputException(node + ": Unsqueeze needs axes");
        }
        int rank = s.length + axes.length;
        boolean[] add = new boolean[rank];
        for (long a : axes) {
            int ax = OpUtil.axis(a, rank, node);
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

    private static Tensor[] shape(Node node, Tensor[] in, ExecContext ctx) {
        return one(shapeValue(node, required(node, in, 0).shape()));
    }

    /**
     * What a Shape node outputs for an input of the given dims (its start/end attributes applied):
     * lanes that hold the input elsewhere (on a device) answer Shape from its dims alone.
     *
     * @param node a Shape node
     * @param s    its input's dims
     * @return the int64 result
     */
    public static Tensor shapeValue(Node node, long[] s) {
        int r = s.length;
        long start = node.attrInt("start", 0);
        long end = node.attrInt("end", r);
        start = Math.max(0, Math.min(r, start < 0 ? start + r : start));
        end = Math.max(0, Math.min(r, end < 0 ? end + r : end));
        long[] v = Arrays.copyOfRange(s, (int) start, (int) Math.max(start, end));
        return Tensor.ofLongs(v, v.length);
    }

    private static Tensor[] constantOfShape(Node node, Tensor[] in, ExecContext ctx) {
        long[] shape = OpUtil.longs(required(node, in, 0));
        Tensor value = node.attrTensor("value");
        DataType type = value == null ? DataType.FLOAT : value.dataType();
        Tensor out = ctx.allocate(type, shape);
        if (value != null && value.size() > 0) {
            ShapeKernels.fill(out, value, 0);
        }
        return one(out);
    }
}
