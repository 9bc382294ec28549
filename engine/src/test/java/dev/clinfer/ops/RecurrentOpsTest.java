package dev.clinfer.ops;

import static dev.clinfer.ops.ControlFlowTestSupport.CTX;
import static dev.clinfer.ops.ControlFlowTestSupport.f;
import static dev.clinfer.ops.ControlFlowTestSupport.floats;
import static dev.clinfer.ops.ControlFlowTestSupport.i;
import static dev.clinfer.ops.ControlFlowTestSupport.node;
import static dev.clinfer.ops.ControlFlowTestSupport.s;
import static dev.clinfer.ops.ControlFlowTestSupport.strings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * RNN/GRU/LSTM against a float64 reference written here straight from the ONNX equations:
 * one batch row and one time step at a time, with explicit sums.
 */
class RecurrentOpsTest {
    private static final int SEQ = 4;
    private static final int BATCH = 3;
    private static final int IN = 5;
    private static final int HID = 3;

    private static double sig(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** Random inputs of one test case, in layout 0. */
    private static final class Case {
        final int gates;
        final int dirs;
        final double[] x;
        final double[] w;
        final double[] r;
        final double[] b;
        final double[] h0;
        final double[] c0;
        final double[] p;
        final int[] lens = {4, 2, 3};

        Case(int gates, int dirs, long seed) {
            Random rnd = new Random(seed);
            this.gates = gates;
            this.dirs = dirs;
            x = rand(rnd, SEQ * BATCH * IN);
            w = rand(rnd, dirs * gates * HID * IN);
            r = rand(rnd, dirs * gates * HID * HID);
            b = rand(rnd, dirs * 2 * gates * HID);
            h0 = rand(rnd, dirs * BATCH * HID);
            c0 = rand(rnd, dirs * BATCH * HID);
            p = rand(rnd, dirs * 3 * HID);
        }

        private static double[] rand(Random rnd, int n) {
            double[] v = new double[n];
            for (int k = 0; k < n; k++) {
                // Values that a float32 holds exactly, so the kernel sees what the reference sees.
                v[k] = (float) (rnd.nextDouble() * 2 - 1) * 0.8f;
            }
            return v;
        }

        /** Pre-activation of gate g, unit j, for input row xt and state h (no bias). */
        double pre(int d, int g, int j, int t, int bt, double[] h) {
            double s = 0;
            int row = d * gates * HID + g * HID + j;
            for (int k = 0; k < IN; k++) {
                s += x[(t * BATCH + bt) * IN + k] * w[row * IN + k];
            }
            for (int k = 0; k < HID; k++) {
                s += h[k] * r[row * HID + k];
            }
            return s;
        }

        double wb(int d, int g, int j) {
            return b[d * 2 * gates * HID + g * HID + j];
        }

        double rb(int d, int g, int j) {
            return b[d * 2 * gates * HID + gates * HID + g * HID + j];
        }

        Tensor t(double[] v, long... shape) {
            float[] f = new float[v.length];
            for (int k = 0; k < v.length; k++) {
                f[k] = (float) v[k];
            }
            return Tensor.of(f, shape);
        }

        Tensor lensTensor() {
            return Tensor.ofInts(lens, BATCH);
        }
    }

    /** One step of a cell for one batch row: returns new h (and updates c for LSTM). */
    private interface RefStep {
        double[] step(int d, int t, int bt, double[] h, double[] c);
    }

    /** Runs the reference; returns {Y, Y_h, Y_c} in layout 0. */
    private static double[][] reference(Case cs, boolean[] reversed, RefStep cell) {
        double[] y = new double[SEQ * cs.dirs * BATCH * HID];
        double[] yh = new double[cs.dirs * BATCH * HID];
        double[] yc = new double[cs.dirs * BATCH * HID];
        for (int d = 0; d < cs.dirs; d++) {
            for (int bt = 0; bt < BATCH; bt++) {
                int o = (d * BATCH + bt) * HID;
                double[] h = java.util.Arrays.copyOfRange(cs.h0, o, o + HID);
                double[] c = java.util.Arrays.copyOfRange(cs.c0, o, o + HID);
                int len = cs.lens[bt];
                for (int s = 0; s < len; s++) {
                    int t = reversed[d] ? len - 1 - s : s;
                    h = cell.step(d, t, bt, h, c);
                    System.arraycopy(h, 0, y, ((t * cs.dirs + d) * BATCH + bt) * HID, HID);
                }
                System.arraycopy(h, 0, yh, o, HID);
                System.arraycopy(c, 0, yc, o, HID);
            }
        }
        return new double[][] {y, yh, yc};
    }

    private static void assertClose(double[] want, Tensor got, String what) {
        double[] g = got.toDoubleArray();
        assertEquals(want.length, g.length, what + " size");
        for (int k = 0; k < want.length; k++) {
            assertEquals(want[k], g[k], 2e-5, what + "[" + k + "]");
        }
    }

    private static Node rnnNode(String op, int opset, Attribute... a) {
        List<String> in = new ArrayList<>(List.of("X", "W", "R", "B", "L", "H0"));
        if (op.equals("LSTM")) {
            in.addAll(List.of("C0", "P"));
        }
        return node(op, opset, in, List.of("Y", "Yh", "Yc"), a);
    }

    @Test
    void rnnBidirectionalWithLeakyReluAndSequenceLengths() {
        Case cs = new Case(1, 2, 1);
        DoubleUnaryOperator[] act = {Math::tanh, v -> v >= 0 ? v : 0.1 * v};
        double[][] ref = reference(cs, new boolean[] {false, true}, (d, t, bt, h, c) -> {
            double[] n = new double[HID];
            for (int j = 0; j < HID; j++) {
                n[j] = act[d].applyAsDouble(cs.pre(d, 0, j, t, bt, h) + cs.wb(d, 0, j) + cs.rb(d, 0, j));
            }
            return n;
        });
        Node n = rnnNode("RNN", 7, s("direction", "bidirectional"), i("hidden_size", HID),
                strings("activations", "Tanh", "LeakyRelu"), floats("activation_alpha", 0.1f));
        Tensor[] out = RecurrentOps.rnn(n, new Tensor[] {cs.t(cs.x, SEQ, BATCH, IN), cs.t(cs.w, 2, HID, IN),
            cs.t(cs.r, 2, HID, HID), cs.t(cs.b, 2, 2 * HID), cs.lensTensor(), cs.t(cs.h0, 2, BATCH, HID)}, CTX);
        assertArrayEquals(new long[] {SEQ, 2, BATCH, HID}, out[0].shape());
        assertClose(ref[0], out[0], "Y");
        assertClose(ref[1], out[1], "Y_h");
    }

    private static void gruCase(boolean linearBeforeReset, String direction, float clip) {
        int dirs = direction.equals("bidirectional") ? 2 : 1;
        Case cs = new Case(3, dirs, linearBeforeReset ? 2 : 3);
        // HardSigmoid takes the first alpha/beta, Affine the second.
        DoubleUnaryOperator fAct = v -> Math.max(0, Math.min(1, 0.3 * v + 0.4));
        DoubleUnaryOperator gAct = v -> 0.7 * v + 0.1;
        DoubleUnaryOperator cl = v -> Math.max(-clip, Math.min(clip, v));
        double[][] ref = reference(cs, new boolean[] {direction.equals("reverse"), true}, (d, t, bt, h, c) -> {
            double[] z = new double[HID];
            double[] rg = new double[HID];
            double[] n = new double[HID];
            for (int j = 0; j < HID; j++) {
                z[j] = fAct.applyAsDouble(cl.applyAsDouble(cs.pre(d, 0, j, t, bt, h) + cs.wb(d, 0, j) + cs.rb(d, 0, j)));
                rg[j] = fAct.applyAsDouble(cl.applyAsDouble(cs.pre(d, 1, j, t, bt, h) + cs.wb(d, 1, j) + cs.rb(d, 1, j)));
            }
            for (int j = 0; j < HID; j++) {
                int row = d * 3 * HID + 2 * HID + j;
                double xs = 0;
                for (int k = 0; k < IN; k++) {
                    xs += cs.x[(t * BATCH + bt) * IN + k] * cs.w[row * IN + k];
                }
                double hs = 0;
                for (int k = 0; k < HID; k++) {
                    hs += (linearBeforeReset ? h[k] : rg[k] * h[k]) * cs.r[row * HID + k];
                }
                double pre = linearBeforeReset ? xs + cs.wb(d, 2, j) + rg[j] * (hs + cs.rb(d, 2, j))
                        : xs + hs + cs.wb(d, 2, j) + cs.rb(d, 2, j);
                double ht = gAct.applyAsDouble(cl.applyAsDouble(pre));
                n[j] = (1 - z[j]) * ht + z[j] * h[j];
            }
            return n;
        });
        Node n = rnnNode("GRU", 7, s("direction", direction), i("linear_before_reset", linearBeforeReset ? 1 : 0),
                f("clip", clip), strings("activations", "HardSigmoid", "Affine"), floats("activation_alpha", 0.3f, 0.7f),
                floats("activation_beta", 0.4f, 0.1f));
        Tensor[] out = RecurrentOps.gru(n, new Tensor[] {cs.t(cs.x, SEQ, BATCH, IN), cs.t(cs.w, dirs, 3 * HID, IN),
            cs.t(cs.r, dirs, 3 * HID, HID), cs.t(cs.b, dirs, 6 * HID), cs.lensTensor(), cs.t(cs.h0, dirs, BATCH, HID)},
            CTX);
        assertClose(ref[0], out[0], "Y");
        assertClose(ref[1], out[1], "Y_h");
    }

    @Test
    void gruReverseResetAfterLinear() {
        gruCase(false, "reverse", 0.5f);
    }

    @Test
    void gruBidirectionalLinearBeforeReset() {
        gruCase(true, "bidirectional", 10f);
    }

    @Test
    void lstmBidirectionalPeepholesLayout1() {
        Case cs = new Case(4, 2, 4);
        double[][] ref = reference(cs, new boolean[] {false, true}, (d, t, bt, h, c) -> {
            double[] n = new double[HID];
            for (int j = 0; j < HID; j++) {
                double pi = cs.p[d * 3 * HID + j];
                double po = cs.p[d * 3 * HID + HID + j];
                double pf = cs.p[d * 3 * HID + 2 * HID + j];
                double ig = sig(cs.pre(d, 0, j, t, bt, h) + cs.wb(d, 0, j) + cs.rb(d, 0, j) + pi * c[j]);
                double fg = sig(cs.pre(d, 2, j, t, bt, h) + cs.wb(d, 2, j) + cs.rb(d, 2, j) + pf * c[j]);
                double cg = Math.tanh(cs.pre(d, 3, j, t, bt, h) + cs.wb(d, 3, j) + cs.rb(d, 3, j));
                double cn = fg * c[j] + ig * cg;
                double og = sig(cs.pre(d, 1, j, t, bt, h) + cs.wb(d, 1, j) + cs.rb(d, 1, j) + po * cn);
                n[j] = og * Math.tanh(cn);
                c[j] = cn;
            }
            return n;
        });
        Node n = rnnNode("LSTM", 14, s("direction", "bidirectional"), i("hidden_size", HID), i("layout", 1));
        // layout 1: X [batch, seq, in], states [batch, dirs, hidden].
        Tensor[] out = RecurrentOps.lstm(n, new Tensor[] {cs.t(swap01(cs.x, SEQ, BATCH, IN), BATCH, SEQ, IN),
            cs.t(cs.w, 2, 4 * HID, IN), cs.t(cs.r, 2, 4 * HID, HID), cs.t(cs.b, 2, 8 * HID), cs.lensTensor(),
            cs.t(swap01(cs.h0, 2, BATCH, HID), BATCH, 2, HID), cs.t(swap01(cs.c0, 2, BATCH, HID), BATCH, 2, HID),
            cs.t(cs.p, 2, 3 * HID)}, CTX);
        assertArrayEquals(new long[] {BATCH, SEQ, 2, HID}, out[0].shape());
        double[] y1 = new double[ref[0].length];
        for (int t = 0; t < SEQ; t++) {
            for (int d = 0; d < 2; d++) {
                for (int b = 0; b < BATCH; b++) {
                    System.arraycopy(ref[0], ((t * 2 + d) * BATCH + b) * HID, y1, ((b * SEQ + t) * 2 + d) * HID, HID);
                }
            }
        }
        assertClose(y1, out[0], "Y");
        assertClose(swap01(ref[1], 2, BATCH, HID), out[1], "Y_h");
        assertClose(swap01(ref[2], 2, BATCH, HID), out[2], "Y_c");
    }

    @Test
    void lstmOmittedOptionalInputsMeanZeros() {
        // X = 1, W = 1, R = 0, no bias: i = f = o = sig(1), c~ = tanh(1), c = sig(1) tanh(1).
        Node n = node("LSTM", 7, List.of("X", "W", "R"), List.of("Y", "Yh", "Yc"), i("hidden_size", 1));
        Tensor[] out = RecurrentOps.lstm(n, new Tensor[] {Tensor.of(new float[] {1}, 1, 1, 1),
            Tensor.of(new float[] {1, 1, 1, 1}, 1, 4, 1), Tensor.of(new float[4], 1, 4, 1)}, CTX);
        double c = sig(1) * Math.tanh(1);
        assertEquals(c, out[2].getDouble(0), 1e-6);
        assertEquals(sig(1) * Math.tanh(c), out[1].getDouble(0), 1e-6);
        assertEquals(out[1].getDouble(0), out[0].getDouble(0), 0);
    }

    private static double[] swap01(double[] v, int a, int b, int c) {
        double[] o = new double[v.length];
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                for (int k = 0; k < c; k++) {
                    o[(j * a + i) * c + k] = v[(i * b + j) * c + k];
                }
            }
        }
        return o;
    }
}
