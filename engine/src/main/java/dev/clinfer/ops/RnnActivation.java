package dev.clinfer.ops;

import dev.clinfer.api.UnsupportedOperatorException;
import dev.clinfer.ir.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One activation function of a recurrent cell (the {@code activations} attribute of RNN, GRU
 * and LSTM), with its alpha/beta bound.
 */
@FunctionalInterface
public interface RnnActivation {
    /** @param x pre-activation @return activated value */
    double apply(double x);

    /**
     * Parses the activation list of a recurrent node. The {@code activation_alpha} and
     * {@code activation_beta} lists are consumed in order by the functions that take them, as
     * ONNX Runtime does; a function without a listed value gets its default.
     *
     * @param node       the node
     * @param perDir     functions each direction needs (RNN 1, GRU 2, LSTM 3)
     * @param dirs       number of directions
     * @param defaults   default names for one direction
     * @return {@code dirs * perDir} functions, direction-major
     */
    static RnnActivation[] parse(Node node, int perDir, int dirs, String... defaults) {
        List<String> names = node.attrStrings("activations");
        List<String> all = new ArrayList<>();
        if (names == null || names.isEmpty()) {
            for (int d = 0; d < dirs; d++) {
                all.addAll(List.of(defaults));
            }
        } else if (names.size() == perDir && dirs == 2) {
            // A list for one direction only: lenient, reuse it (and its alpha/beta) for both.
            RnnActivation[] one = parse(node, perDir, 1, defaults);
            RnnActivation[] both = java.util.Arrays.copyOf(one, 2 * perDir);
            System.arraycopy(one, 0, both, perDir, perDir);
            return both;
        } else if (names.size() == perDir * dirs) {
            all.addAll(names);
        } else {
            throw new UnsupportedOperatorException(node + ": 'activations' has " + names.size() + " entries, expected "
                    + perDir * dirs);
        }
        float[] alphas = node.attrFloats("activation_alpha", new float[0]);
        float[] betas = node.attrFloats("activation_beta", new float[0]);
        int ai = 0;
        int bi = 0;
        RnnActivation[] out = new RnnActivation[all.size()];
        for (int i = 0; i < out.length; i++) {
            String n = all.get(i).toLowerCase(Locale.ROOT);
            double a;
            double b;
            switch (n) {
                case "relu": out[i] = x -> x > 0 ? x : 0; break;
                case "tanh": out[i] = Math::tanh; break;
                case "sigmoid": out[i] = RnnActivation::sigmoid; break;
                case "softsign": out[i] = x -> x / (1 + Math.abs(x)); break;
                case "softplus": out[i] = x -> Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0); break;
                case "leakyrelu":
                    a = ai < alphas.length ? alphas[ai++] : 0.01;
                    final double la = a;
                    out[i] = x -> x >= 0 ? x : la * x;
                    break;
                case "thresholdedrelu":
                    a = ai < alphas.length ? alphas[ai++] : 1.0;
                    final double ta = a;
                    out[i] = x -> x > ta ? x : 0;
                    break;
                case "elu":
                    a = ai < alphas.length ? alphas[ai++] : 1.0;
                    final double ea = a;
                    out[i] = x -> x >= 0 ? x : ea * (Math.exp(x) - 1);
                    break;
                case "affine":
                    a = ai < alphas.length ? alphas[ai++] : 1.0;
                    b = bi < betas.length ? betas[bi++] : 0.0;
                    final double fa = a;
                    final double fb = b;
                    out[i] = x -> fa * x + fb;
                    break;
                case "scaledtanh":
                    a = ai < alphas.length ? alphas[ai++] : 1.0;
                    b = bi < betas.length ? betas[bi++] : 1.0;
                    final double sa = a;
                    final double sb = b;
                    out[i] = x -> sa * Math.tanh(sb * x);
                    break;
                case "hardsigmoid":
                    a = ai < alphas.length ? alphas[ai++] : 0.2;
                    b = bi < betas.length ? betas[bi++] : 0.5;
                    final double ha = a;
                    final double hb = b;
                    out[i] = x -> Math.max(0, Math.min(1, ha * x + hb));
                    break;
                default:
                    throw new UnsupportedOperatorException(node + ": unsupported activation '" + all.get(i) + "'");
            }
        }
        return out;
    }

    /** @param x input @return the logistic function, stable for large |x| */
    static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }
}
