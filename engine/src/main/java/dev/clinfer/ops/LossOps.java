package dev.clinfer.ops;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.api.UnsupportedOperatorException;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/** Java CPU kernels: NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (computed in float64). */
public final class LossOps {
    private LossOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        r.register("NegativeLogLikelihoodLoss", LossOps::nll);
        r.register("SoftmaxCrossEntropyLoss", LossOps::sce);
    }

    /** {@code loss[n, d...] = -input[n, target[n, d...], d...] * weight[target]}, then reduced. */
    static Tensor[] nll(Node node, Tensor[] in, ExecContext ctx) {
        Tensor input = in[0];
        return new Tensor[] {nllCore(node, input, input.toDoubleArray(), in[1], in.length > 2 ? in[2] : null, ctx)};
    }

    /** The loss over {@code log_softmax(scores, axis 1)}; the optional second output is that log-probability. */
    static Tensor[] sce(Node node, Tensor[] in, ExecContext ctx) {
        Tensor scores = in[0];
        if (scores.rank() < 2) {
            throw new InvalidInputException(node + ": scores must be [N, C, ...], got " + Arrays.toString(scores.shape()));
        }
        long[] s = scores.shape();
        int n = (int) s[0];
        int c = (int) s[1];
        int inner = OpUtil.size(Arrays.copyOfRange(s, 2, s.length));
        double[] x = scores.toDoubleArray();
        double[] logp = new double[x.length];
        for (int b = 0; b < n; b++) {
            for (int d = 0; d < inner; d++) {
                int base = b * c * inner + d;
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < c; k++) {
                    max = Math.max(max, x[base + k * inner]);
                }
                double sum = 0;
                for (int k = 0; k < c; k++) {
                    sum += Math.exp(x[base + k * inner] - max);
                }
                double lse = max + Math.log(sum);
                for (int k = 0; k < c; k++) {
                    logp[base + k * inner] = x[base + k * inner] - lse;
                }
            }
        }
        Tensor loss = nllCore(node, scores, logp, in[1], in.length > 2 ? in[2] : null, ctx);
        Tensor lp = ctx.allocate(scores.dataType(), s);
        for (int i = 0; i < logp.length; i++) {
            lp.setDouble(i, logp[i]);
        }
        return new Tensor[] {loss, lp};
    }

    /**
     * @param node   the node (reduction, ignore_index)
     * @param like   the [N, C, ...] input, for shape and output type
     * @param logp   its values (log-probabilities)
     * @param target class indices [N, ...]
     * @param weight optional per-class weights [C]
     * @param ctx    allocation
     * @return the reduced (or, for "none", per-element) loss
     */
    private static Tensor nllCore(Node node, Tensor like, double[] logp, Tensor target, Tensor weight, ExecContext ctx) {
        long[] s = like.shape();
        if (s.length < 2) {
            throw new InvalidInputException(node + ": input must be [N, C, ...], got " + Arrays.toString(s));
        }
        int n = (int) s[0];
        int c = (int) s[1];
        long[] ts = new long[s.length - 1];
        ts[0] = s[0];
        System.arraycopy(s, 2, ts, 1, s.length - 2);
        if (!Arrays.equals(target.shape(), ts)) {
            throw new InvalidInputException(node + ": target has shape " + Arrays.toString(target.shape()) + ", expected "
                    + Arrays.toString(ts));
        }
        if (weight != null && (weight.rank() != 1 || weight.dim(0) != c)) {
            throw new InvalidInputException(node + ": weight has shape " + Arrays.toString(weight.shape())
                    + ", expected [" + c + "]");
        }
        int inner = OpUtil.size(Arrays.copyOfRange(s, 2, s.length));
        boolean hasIgnore = node.hasAttr("ignore_index");
        long ignore = node.attrInt("ignore_index", 0);
        double[] w = weight == null ? null : weight.toDoubleArray();
        long[] t = target.toLongArray();
        double[] loss = new double[t.length];
        double wsum = 0;
        for (int b = 0; b < n; b++) {
            for (int d = 0; d < inner; d++) {
                int i = b * inner + d;
                long k = t[i];
                if (hasIgnore && k == ignore) {
                    continue;
                }
                if (k < 0 || k >= c) {
                    throw new InvalidInputException(node + ": target[" + i + "] = " + k + " is outside [0, " + c + ")");
                }
                double wk = w == null ? 1 : w[(int) k];
                loss[i] = -logp[(b * c + (int) k) * inner + d] * wk;
                wsum += wk;
            }
        }
        String reduction = node.attrString("reduction", "mean");
        switch (reduction) {
            case "none": {
                Tensor out = ctx.allocate(like.dataType(), ts);
                for (int i = 0; i < loss.length; i++) {
                    out.setDouble(i, loss[i]);
                }
                return out;
            }
            case "sum":
            case "mean": {
                double sum = 0;
                for (double v : loss) {
                    sum += v;
                }
                Tensor out = ctx.allocate(like.dataType());
                out.setDouble(0, reduction.equals("sum") ? sum : sum / wsum);
                return out;
            }
            default:
                throw new UnsupportedOperatorException(node + ": unknown reduction '" + reduction + "'");
        }
    }
}
