package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Node;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Java kernels of the fused operators the graph optimiser creates, in the clinfer-private
 * domain {@value #DOMAIN}:
 * <ul>
 *   <li>{@code FusedConv}: Conv (same inputs and attributes) plus {@code activation} applied to
 *       its output ({@link FusedActivation});</li>
 *   <li>{@code FusedConvAdd}: {@code activation(Conv(X, W, B) + R)}, inputs {@code [X, W, B, R]}
 *       with R of the Conv output's shape: a residual block's Conv, Add and activation;</li>
 *   <li>{@code FusedMatMul}: {@code A[..., K] x B[K, N] + bias[N]} with any batch dims on A,
 *       run as one Gemm over the flattened batch;</li>
 *   <li>{@code FusedElementwise}: a chain of elementwise ops in one pass ({@link FusedExpression});</li>
 *   <li>{@code FusedGelu}: {@code 0.5 x (1 + erf(x / sqrt 2))};</li>
 *   <li>{@code FusedAttention}: {@code softmax(scale * Q K^T + mask) V} ({@link FusedAttentionKernel}).</li>
 * </ul>
 */
public final class FusedOps {
    /** The domain of clinfer's fused operators. */
    public static final String DOMAIN = "dev.clinfer";

    private FusedOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        r.register(DOMAIN, "FusedConv", FusedOps::fusedConv);
        r.register(DOMAIN, "FusedConvAdd", FusedOps::fusedConvAdd);
        r.register(DOMAIN, "FusedMatMul", FusedOps::fusedMatMul);
        r.register(DOMAIN, "FusedElementwise", (node, in, ctx) -> new Tensor[] {FusedElementwiseKernel.run(node, in, ctx)});
        r.register(DOMAIN, "FusedGelu", FusedOps::gelu);
        r.register(DOMAIN, "FusedAttention", FusedOps::attention);
    }

    private static Tensor[] fusedConv(Node node, Tensor[] in, ExecContext ctx) {
        FusedActivation act = FusedActivation.of(node);
        if (in[0] != null && in[0].dataType() == DataType.FLOAT && in[1] != null
                && in[1].dataType() == DataType.FLOAT) {
            // The activation runs inside the kernels' tiles while they are in cache.
            return new Tensor[] {ConvOps.convFloatFused(node, in[0], in[1], in.length > 2 ? in[2] : null, act, null,
                    ctx)};
        }
        Tensor[] y = OpRegistry.defaultRegistry().find("", "Conv").run(node, in, ctx);
        if (act.kind() != FusedActivation.Kind.NONE) {
            if (y[0].dataType() != DataType.FLOAT) {
                throw new InvalidInputException(node + ": a fused activation needs float32, got " + y[0].dataType());
            }
            act.apply(y[0].floats(), ctx);
        }
        return y;
    }

    private static Tensor[] fusedConvAdd(Node node, Tensor[] in, ExecContext ctx) {
        FusedActivation act = FusedActivation.of(node);
        Tensor x = in[0];
        Tensor w = in[1];
        Tensor b = in.length > 2 ? in[2] : null;
        Tensor r = in.length > 3 ? in[3] : null;
        if (x == null || w == null || r == null) {
            throw new InvalidInputException(node + ": FusedConvAdd needs X, W and the residual R");
        }
        if (x.dataType() == DataType.FLOAT && w.dataType() == DataType.FLOAT && r.dataType() == DataType.FLOAT
                && java.util.Arrays.equals(r.shape(), ConvGeometry.forConv(node, x.shape(), w.shape()).outputShape())) {
            return new Tensor[] {ConvOps.convFloatFused(node, x, w, b, act, r, ctx)};
        }
        // Anything else (a broadcast residual, other types): the ops the pass replaced, in turn.
        OpRegistry reg = OpRegistry.defaultRegistry();
        Tensor y = reg.find("", "Conv").run(node, new Tensor[] {x, w, b}, ctx)[0];
        Tensor s = reg.find("", "Add").run(helper(node, "Add", Map.of()), new Tensor[] {y, r}, ctx)[0];
        if (act.kind() != FusedActivation.Kind.NONE) {
            if (s.dataType() != DataType.FLOAT) {
                throw new InvalidInputException(node + ": a fused activation needs float32, got " + s.dataType());
            }
            act.apply(s.floats(), ctx);
        }
        return new Tensor[] {s};
    }

    /** Gemm semantics over A viewed as [prod(batch), K]; the result is viewed back as [..., N]. */
    private static Tensor[] fusedMatMul(Node node, Tensor[] in, ExecContext ctx) {
        Tensor a = in[0];
        Tensor b = in[1];
        if (a == null || b == null || a.rank() < 1 || b.rank() != 2) {
            throw new InvalidInputException(node + ": FusedMatMul needs A of rank >= 1 and a 2-D B");
        }
        long[] as = a.shape();
        long kdim = as[as.length - 1];
        long rows = kdim == 0 ? 0 : a.size() / kdim;
        boolean transB = node.attrInt("transB", 0) != 0;
        long n = transB ? b.dim(0) : b.dim(1);
        Tensor[] g = OpRegistry.defaultRegistry().find("", "Gemm").run(node,
                new Tensor[] {a.reshape(rows, kdim), b, in.length > 2 ? in[2] : null}, ctx);
        long[] out = as.clone();
        out[out.length - 1] = n;
        return new Tensor[] {g[0].reshape(out)};
    }

    private static Tensor[] gelu(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = in[0];
        if (x.dataType() != DataType.FLOAT) {
            throw new InvalidInputException(node + ": FusedGelu needs float32, got " + x.dataType());
        }
        return new Tensor[] {ElementwiseKernels.mapFloat(x, 4, ctx, GeluKernel::apply)};
    }

    private static Tensor[] attention(Node node, Tensor[] in, ExecContext ctx) {
        Tensor y = FusedAttentionKernel.run(node, in, ctx);
        if (y != null) {
            return new Tensor[] {y};
        }
        // Broadcast batch dims: the ops the pass replaced, one after the other.
        OpRegistry r = OpRegistry.defaultRegistry();
        boolean kT = node.attrInt("k_transposed", 0) != 0;
        Tensor k = in[1];
        if (!kT) {
            int rank = k.rank();
            long[] perm = new long[rank];
            for (int i = 0; i < rank; i++) {
                perm[i] = i;
            }
            perm[rank - 2] = rank - 1;
            perm[rank - 1] = rank - 2;
            k = r.find("", "Transpose").run(helper(node, "Transpose", Map.of("perm", ints("perm", perm))),
                    new Tensor[] {k}, ctx)[0];
        }
        Tensor s = r.find("", "MatMul").run(helper(node, "MatMul", Map.of()), new Tensor[] {in[0], k}, ctx)[0];
        s = r.find("", "Mul").run(helper(node, "Mul", Map.of()),
                new Tensor[] {s, Tensor.of(new float[] {node.attrFloat("scale", 1f)})}, ctx)[0];
        if (in.length > 3 && in[3] != null) {
            s = r.find("", "Add").run(helper(node, "Add", Map.of()), new Tensor[] {s, in[3]}, ctx)[0];
        }
        s = r.find("", "Softmax").run(helper(node, "Softmax", Map.of()), new Tensor[] {s}, ctx)[0];
        return r.find("", "MatMul").run(helper(node, "MatMul", Map.of()), new Tensor[] {s, in[2]}, ctx);
    }

    private static Node helper(Node node, String op, Map<String, Attribute> attrs) {
        return new Node(node.name() + "/" + op, op, "", List.of(), List.of(""), new LinkedHashMap<>(attrs), 17);
    }

    private static Attribute ints(String name, long[] v) {
        return new Attribute(name, Attribute.Type.INTS, 0f, 0, null, null, null, null, v, null, null, null);
    }
}
