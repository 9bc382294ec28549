package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.api.UnsupportedOperatorException;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/**
 * The inputs, attributes and time loop shared by RNN, GRU and LSTM. Everything is held in the
 * {@code layout = 0} order ({@code X [seq, batch, input]}, states {@code [dirs, batch, hidden]})
 * in float64; {@code layout = 1} is converted on the way in and out.
 */
final class RnnLayer {
    /** One recurrent cell: advances the state of the active batch rows by one time step. */
    interface Cell {
        /**
         * @param d      direction index
         * @param xw     {@code X W^T + Wb} of this direction, {@code [seq * batch, gates * hidden]}
         * @param time   per batch row, the time index this step reads
         * @param active per batch row, whether the row still has input at this step
         * @param h      the hidden state {@code [batch, hidden]}, updated in place for active rows
         */
        void step(int d, double[] xw, int[] time, boolean[] active, double[] h);
    }

    final Node node;
    final ExecContext ctx;
    final DataType type;
    final int gates;
    final int seq;
    final int batch;
    final int inputSize;
    final int hidden;
    final int dirs;
    final int layout;
    final String direction;
    final double clip;
    final double[] x;
    final double[] w;
    final double[] r;
    final double[] bias;
    final int[] lens;
    final double[] h0;
    final double[] y;
    final double[] yh;

    /**
     * @param node   the node
     * @param in     its inputs (X, W, R, B, sequence_lens, initial_h, ...)
     * @param ctx    for parallel loops and output allocation
     * @param gates  gate count (RNN 1, GRU 3, LSTM 4)
     */
    RnnLayer(Node node, Tensor[] in, ExecContext ctx, int gates) {
        this.node = node;
        this.ctx = ctx;
        this.gates = gates;
        Tensor tx = input(in, 0, "X", true);
        Tensor tw = input(in, 1, "W", true);
        Tensor tr = input(in, 2, "R", true);
        layout = node.opset() >= 14 ? (int) node.attrInt("layout", 0) : 0;
        direction = node.attrString("direction", "forward");
        switch (direction) {
            case "forward":
            case "reverse":
                dirs = 1;
                break;
            case "bidirectional":
                dirs = 2;
                break;
            default:
                throw new UnsupportedOperatorException(node + ": unknown direction '" + direction + "'");
        }
        type = tx.dataType();
        requireRank(tx, "X", 3);
        requireRank(tw, "W", 3);
        requireRank(tr, "R", 3);
        seq = (int) (layout == 0 ? tx.dim(0) : tx.dim(1));
        batch = (int) (layout == 0 ? tx.dim(1) : tx.dim(0));
        inputSize = (int) tx.dim(2);
        hidden = (int) node.attrInt("hidden_size", tr.dim(2));
        expect(tw, "W", dirs, (long) gates * hidden, inputSize);
        expect(tr, "R", dirs, (long) gates * hidden, hidden);
        clip = node.hasAttr("clip") ? node.attrFloat("clip", 0) : Double.POSITIVE_INFINITY;
        x = layout == 0 ? tx.toDoubleArray() : swap01(tx.toDoubleArray(), batch, seq, inputSize);
        w = tw.toDoubleArray();
        r = tr.toDoubleArray();
        Tensor tb = input(in, 3, "B", false);
        if (tb != null) {
            expect(tb, "B", dirs, 2L * gates * hidden);
            bias = tb.toDoubleArray();
        } else {
            bias = new double[dirs * 2 * gates * hidden];
        }
        Tensor tl = input(in, 4, "sequence_lens", false);
        lens = new int[batch];
        Arrays.fill(lens, seq);
        if (tl != null) {
            long[] l = tl.toLongArray();
            if (l.length != batch) {
                throw new InvalidInputException(node + ": sequence_lens has " + l.length + " entries, expected batch size "
                        + batch);
            }
            for (int b = 0; b < batch; b++) {
                if (l[b] < 0 || l[b] > seq) {
                    throw new InvalidInputException(node + ": sequence_lens[" + b + "] = " + l[b] + " is outside [0, "
                            + seq + "]");
                }
                lens[b] = (int) l[b];
            }
        }
        h0 = state(in, 5, "initial_h");
        y = new double[seq * dirs * batch * hidden];
        yh = new double[dirs * batch * hidden];
    }

    /** @return the input, or null when omitted; throws when a required one is missing */
    Tensor input(Tensor[] in, int i, String name, boolean required) {
        Tensor t = i < in.length ? in[i] : null;
        if (t == null && required) {
            throw new InvalidInputException(node + ": missing required input " + name);
        }
        return t;
    }

    /**
     * Reads an optional state input ({@code initial_h}, {@code initial_c}) into layout-0 order.
     *
     * @return {@code [dirs, batch, hidden]}, zeros when omitted
     */
    double[] state(Tensor[] in, int i, String name) {
        Tensor t = input(in, i, name, false);
        if (t == null) {
            return new double[dirs * batch * hidden];
        }
        if (layout == 0) {
            expect(t, name, dirs, batch, hidden);
            return t.toDoubleArray();
        }
        expect(t, name, batch, dirs, hidden);
        return swap01(t.toDoubleArray(), batch, dirs, hidden);
    }

    /**
     * Reads a per-direction vector input such as {@code P}.
     *
     * @return {@code [dirs, width]}, or null when omitted
     */
    double[] perDirection(Tensor[] in, int i, String name, int width) {
        Tensor t = input(in, i, name, false);
        if (t == null) {
            return null;
        }
        expect(t, name, dirs, width);
        return t.toDoubleArray();
    }

    private void requireRank(Tensor t, String name, int rank) {
        if (t.rank() != rank) {
            throw new InvalidInputException(node + ": input " + name + " has shape " + Arrays.toString(t.shape())
                    + ", expected rank " + rank);
        }
    }

    private void expect(Tensor t, String name, long... dims) {
        if (!Arrays.equals(t.shape(), dims)) {
            throw new InvalidInputException(node + ": input " + name + " has shape " + Arrays.toString(t.shape())
                    + ", expected " + Arrays.toString(dims));
        }
    }

    /** @param d direction index @return whether it walks time backwards */
    boolean reversed(int d) {
        return direction.equals("reverse") || d == 1;
    }

    /** @param v pre-activation @return it clipped to {@code [-clip, clip]} when clip is set */
    double clip(double v) {
        return v > clip ? clip : (v < -clip ? -clip : v);
    }

    /**
     * Runs every direction through the time loop, filling {@link #y} and {@link #yh}.
     *
     * @param cell the recurrence
     */
    void run(Cell cell) {
        int gh = gates * hidden;
        int maxLen = 0;
        for (int l : lens) {
            maxLen = Math.max(maxLen, l);
        }
        int[] time = new int[batch];
        boolean[] active = new boolean[batch];
        for (int d = 0; d < dirs; d++) {
            double[] xw = new double[seq * batch * gh];
            RnnGemm.abT(ctx, x, 0, seq * batch, inputSize, w, d * gh * inputSize, gh, xw, 0);
            for (int row = 0; row < seq * batch; row++) {
                for (int j = 0; j < gh; j++) {
                    xw[row * gh + j] += bias[d * 2 * gh + j];
                }
            }
            double[] h = Arrays.copyOfRange(h0, d * batch * hidden, (d + 1) * batch * hidden);
            boolean rev = reversed(d);
            for (int s = 0; s < maxLen; s++) {
                for (int b = 0; b < batch; b++) {
                    active[b] = s < lens[b];
                    time[b] = rev ? lens[b] - 1 - s : s;
                }
                cell.step(d, xw, time, active, h);
                for (int b = 0; b < batch; b++) {
                    if (active[b]) {
                        System.arraycopy(h, b * hidden, y, ((time[b] * dirs + d) * batch + b) * hidden, hidden);
                    }
                }
            }
            System.arraycopy(h, 0, yh, d * batch * hidden, batch * hidden);
        }
    }

    /**
     * {@code out[b, :] = h[b, :] R_d[g0 : g0 + n]^T}: the recurrent projection of some gates.
     *
     * @param d   direction
     * @param h   hidden state {@code [batch, hidden]}
     * @param g0  first gate row of R
     * @param n   number of rows ({@code gates' * hidden})
     * @return {@code [batch, n]}
     */
    double[] recurrent(int d, double[] h, int g0, int n) {
        double[] out = new double[batch * n];
        RnnGemm.abT(ctx, h, 0, batch, hidden, r, (d * gates * hidden + g0) * hidden, n, out, 0);
        return out;
    }

    /** @return Y in the node's layout */
    Tensor outputY() {
        if (layout == 0) {
            return toTensor(y, seq, dirs, batch, hidden);
        }
        // [seq, dirs, batch, hidden] -> [batch, seq, dirs, hidden]
        double[] o = new double[y.length];
        for (int t = 0; t < seq; t++) {
            for (int d = 0; d < dirs; d++) {
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(y, ((t * dirs + d) * batch + b) * hidden, o, ((b * seq + t) * dirs + d) * hidden,
                            hidden);
                }
            }
        }
        return toTensor(o, batch, seq, dirs, hidden);
    }

    /** @param s a state {@code [dirs, batch, hidden]} @return it in the node's layout */
    Tensor outputState(double[] s) {
        return layout == 0 ? toTensor(s, dirs, batch, hidden) : toTensor(swap01(s, dirs, batch, hidden), batch, dirs, hidden);
    }

    private Tensor toTensor(double[] v, long... shape) {
        Tensor t = ctx.allocate(type, shape);
        if (type == DataType.FLOAT) {
            java.nio.FloatBuffer f = t.floats();
            for (int i = 0; i < v.length; i++) {
                f.put(i, (float) v[i]);
            }
        } else if (type == DataType.DOUBLE) {
            t.doubles().put(0, v);
        } else {
            for (int i = 0; i < v.length; i++) {
                t.setDouble(i, v[i]);
            }
        }
        return t;
    }

    /** @return {@code v [a, b, c]} transposed to {@code [b, a, c]} */
    static double[] swap01(double[] v, int a, int b, int c) {
        double[] o = new double[v.length];
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                System.arraycopy(v, (i * b + j) * c, o, (j * a + i) * c, c);
            }
        }
        return o;
    }
}
