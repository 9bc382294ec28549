package dev.clinfer.ops;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/**
 * The optimizers of domain {@code ai.onnx.preview.training}: Adagrad, Adam and Momentum. Each
 * takes the learning rate R and the update count T, then groups of N tensors (X..., G..., and
 * the optimizer's state) and returns the updated X... and state. Deterministic elementwise math,
 * computed in double and stored in each tensor's own type.
 */
public final class TrainingOps {
    /** The domain these operators live in. */
    public static final String DOMAIN = "ai.onnx.preview.training";

    private TrainingOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        r.register(DOMAIN, "Adagrad", TrainingOps::adagrad);
        r.register(DOMAIN, "Adam", TrainingOps::adam);
        r.register(DOMAIN, "Momentum", TrainingOps::momentum);
    }

    /** Number of optimized tensors when the node has {@code 2 + groups * N} inputs. */
    private static int groups(Node node, Tensor[] in, int perGroup) {
        if (in.length < 2 + perGroup || (in.length - 2) % perGroup != 0) {
            throw new InvalidInputException(node + ": expected R, T and " + perGroup + " groups of N tensors, got "
                    + in.length + " inputs");
        }
        for (int k = 0; k < in.length; k++) {
            ShapeOps.required(node, in, k);
        }
        int n = (in.length - 2) / perGroup;
        for (int i = 0; i < n; i++) {
            long[] s = in[2 + i].shape();
            for (int g = 1; g < perGroup; g++) {
                if (!Arrays.equals(in[2 + g * n + i].shape(), s)) {
                    throw new InvalidInputException(node + ": input " + (2 + g * n + i) + " has shape "
                            + Arrays.toString(in[2 + g * n + i].shape()) + ", X" + i + " has " + Arrays.toString(s));
                }
            }
        }
        return n;
    }

    /**
     * {@code r' = R / (1 + T * decay_factor)}, {@code g = norm_coefficient * x + G},
     * {@code h' = H + g^2}, {@code x' = x - r' * g / (sqrt(h') + epsilon)}.
     */
    static Tensor[] adagrad(Node node, Tensor[] in, ExecContext ctx) {
        int n = groups(node, in, 3);
        double r = in[0].getDouble(0);
        double t = in[1].getLong(0);
        double decay = node.attrFloat("decay_factor", 0f);
        double eps = node.attrFloat("epsilon", 1e-6f);
        double norm = node.attrFloat("norm_coefficient", 0f);
        double rate = r / (1 + t * decay);
        Tensor[] out = new Tensor[2 * n];
        for (int i = 0; i < n; i++) {
            Tensor x = in[2 + i];
            Tensor g = in[2 + n + i];
            Tensor h = in[2 + 2 * n + i];
            Tensor xo = ctx.allocate(x.dataType(), x.shape());
            Tensor ho = ctx.allocate(h.dataType(), h.shape());
            for (int e = 0; e < x.numel(); e++) {
                double xv = x.getDouble(e);
                double gr = norm * xv + g.getDouble(e);
                double hv = h.getDouble(e) + gr * gr;
                ho.setDouble(e, hv);
                xo.setDouble(e, xv - rate * gr / (Math.sqrt(hv) + eps));
            }
            out[i] = xo;
            out[n + i] = ho;
        }
        return out;
    }

    /**
     * {@code g = norm_coefficient * x + G}, {@code v' = alpha * V + (1 - alpha) * g},
     * {@code h' = beta * H + (1 - beta) * g^2}, learning rate bias-corrected by
     * {@code sqrt(1 - beta^T) / (1 - alpha^T)} when T > 0,
     * {@code x' = (1 - norm_coefficient_post) * (x - r' * v' / (sqrt(h') + epsilon))}.
     */
    static Tensor[] adam(Node node, Tensor[] in, ExecContext ctx) {
        int n = groups(node, in, 4);
        double r = in[0].getDouble(0);
        long t = in[1].getLong(0);
        double alpha = node.attrFloat("alpha", 0.9f);
        double beta = node.attrFloat("beta", 0.999f);
        double eps = node.attrFloat("epsilon", 1e-6f);
        double norm = node.attrFloat("norm_coefficient", 0f);
        double post = node.attrFloat("norm_coefficient_post", 0f);
        double rate = t > 0 ? r * Math.sqrt(1 - Math.pow(beta, t)) / (1 - Math.pow(alpha, t)) : r;
        Tensor[] out = new Tensor[3 * n];
        for (int i = 0; i < n; i++) {
            Tensor x = in[2 + i];
            Tensor g = in[2 + n + i];
            Tensor v = in[2 + 2 * n + i];
            Tensor h = in[2 + 3 * n + i];
            Tensor xo = ctx.allocate(x.dataType(), x.shape());
            Tensor vo = ctx.allocate(v.dataType(), v.shape());
            Tensor ho = ctx.allocate(h.dataType(), h.shape());
            for (int e = 0; e < x.numel(); e++) {
                double xv = x.getDouble(e);
                double gr = norm * xv + g.getDouble(e);
                double vv = alpha * v.getDouble(e) + (1 - alpha) * gr;
                double hv = beta * h.getDouble(e) + (1 - beta) * gr * gr;
                vo.setDouble(e, vv);
                ho.setDouble(e, hv);
                xo.setDouble(e, (1 - post) * (xv - rate * vv / (Math.sqrt(hv) + eps)));
            }
            out[i] = xo;
            out[n + i] = vo;
            out[2 * n + i] = ho;
        }
        return out;
    }

    /**
     * {@code g = norm_coefficient * x + G}, {@code v' = alpha * V + beta' * g} with
     * {@code beta' = T > 0 ? beta : 1}; {@code mode="standard"}: {@code x' = x - R * v'},
     * {@code mode="nesterov"}: {@code x' = x - R * (g + alpha * v')}.
     */
    static Tensor[] momentum(Node node, Tensor[] in, ExecContext ctx) {
        int n = groups(node, in, 3);
        double r = in[0].getDouble(0);
        long t = in[1].getLong(0);
        for (String a : new String[] {"alpha", "beta", "mode", "norm_coefficient"}) {
            if (!node.hasAttr(a)) {
                throw new InvalidInputException(node + ": missing required attribute '" + a + "'");
            }
        }
        double alpha = node.attrFloat("alpha", 0f);
        double beta = t > 0 ? node.attrFloat("beta", 0f) : 1;
        double norm = node.attrFloat("norm_coefficient", 0f);
        String mode = node.attrString("mode", "standard");
        boolean nesterov = mode.equals("nesterov");
        if (!nesterov && !mode.equals("standard")) {
            throw new InvalidInputException(node + ": mode must be 'standard' or 'nesterov', got '" + mode + "'");
        }
        Tensor[] out = new Tensor[2 * n];
        for (int i = 0; i < n; i++) {
            Tensor x = in[2 + i];
            Tensor g = in[2 + n + i];
            Tensor v = in[2 + 2 * n + i];
            Tensor xo = ctx.allocate(x.dataType(), x.shape());
            Tensor vo = ctx.allocate(v.dataType(), v.shape());
            for (int e = 0; e < x.numel(); e++) {
                double xv = x.getDouble(e);
                double gr = norm * xv + g.getDouble(e);
                double vv = alpha * v.getDouble(e) + beta * gr;
                vo.setDouble(e, vv);
                xo.setDouble(e, nesterov ? xv - r * (gr + alpha * vv) : xv - r * vv);
            }
            out[i] = xo;
            out[n + i] = vo;
        }
        return out;
    }
}
