package dev.clinfer.ops;

import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

/**
 * Java CPU kernels: RNN, GRU and LSTM (all directions, sequence lengths, clip, custom
 * activations, opset-14 layout). The shared plumbing is in {@link RnnLayer}; the cells here
 * are the ONNX equations, computed in float64.
 */
public final class RecurrentOps {
    private RecurrentOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        r.register("RNN", RecurrentOps::rnn);
        r.register("GRU", RecurrentOps::gru);
        r.register("LSTM", RecurrentOps::lstm);
    }

    /** {@code Ht = f(Xt W^T + Ht-1 R^T + Wb + Rb)}. */
    static Tensor[] rnn(Node node, Tensor[] in, ExecContext ctx) {
        RnnLayer L = new RnnLayer(node, in, ctx, 1);
        RnnActivation[] act = RnnActivation.parse(node, 1, L.dirs, "Tanh");
        int hid = L.hidden;
        L.run((d, xw, time, active, h) -> {
            double[] hr = L.recurrent(d, h, 0, hid);
            int rb = d * 2 * hid + hid;
            RnnActivation f = act[d];
            for (int b = 0; b < L.batch; b++) {
                if (!active[b]) {
                    continue;
                }
                int xo = (time[b] * L.batch + b) * hid;
                for (int j = 0; j < hid; j++) {
                    h[b * hid + j] = f.apply(L.clip(xw[xo + j] + hr[b * hid + j] + L.bias[rb + j]));
                }
            }
        });
        return new Tensor[] {L.outputY(), L.outputState(L.yh)};
    }

    /** GRU with gates z, r, h; {@code linear_before_reset} picks where the reset gate applies. */
    static Tensor[] gru(Node node, Tensor[] in, ExecContext ctx) {
        RnnLayer L = new RnnLayer(node, in, ctx, 3);
        RnnActivation[] act = RnnActivation.parse(node, 2, L.dirs, "Sigmoid", "Tanh");
        boolean linearBeforeReset = node.attrInt("linear_before_reset", 0) != 0;
        int hid = L.hidden;
        int batch = L.batch;
        L.run((d, xw, time, active, h) -> {
            RnnActivation f = act[2 * d];
            RnnActivation g = act[2 * d + 1];
            int rb = d * 6 * hid + 3 * hid;
            double[] hzr = L.recurrent(d, h, 0, 2 * hid);
            double[] z = new double[batch * hid];
            double[] rg = new double[batch * hid];
            for (int b = 0; b < batch; b++) {
                if (!active[b]) {
                    continue; // its time index may be out of range (reverse direction past its length)
                }
                int xo = (time[b] * batch + b) * 3 * hid;
                for (int j = 0; j < hid; j++) {
                    z[b * hid + j] = f.apply(L.clip(xw[xo + j] + hzr[b * 2 * hid + j] + L.bias[rb + j]));
                    rg[b * hid + j] = f.apply(L.clip(xw[xo + hid + j] + hzr[b * 2 * hid + hid + j] + L.bias[rb + hid + j]));
                }
            }
            double[] hh;
            if (linearBeforeReset) {
                hh = L.recurrent(d, h, 2 * hid, hid);
                for (int i = 0; i < hh.length; i++) {
                    hh[i] = rg[i] * (hh[i] + L.bias[rb + 2 * hid + i % hid]);
                }
            } else {
                double[] rh = new double[batch * hid];
                for (int i = 0; i < rh.length; i++) {
                    rh[i] = rg[i] * h[i];
                }
                hh = L.recurrent(d, rh, 2 * hid, hid);
                for (int i = 0; i < hh.length; i++) {
                    hh[i] += L.bias[rb + 2 * hid + i % hid];
                }
            }
            for (int b = 0; b < batch; b++) {
                if (!active[b]) {
                    continue;
                }
                int xo = (time[b] * batch + b) * 3 * hid + 2 * hid;
                for (int j = 0; j < hid; j++) {
                    int k = b * hid + j;
                    double ht = g.apply(L.clip(xw[xo + j] + hh[k]));
                    h[k] = (1 - z[k]) * ht + z[k] * h[k];
                }
            }
        });
        return new Tensor[] {L.outputY(), L.outputState(L.yh)};
    }

    /** LSTM with gates i, o, f, c, optional peepholes P (i, o, f) and {@code input_forget}. */
    static Tensor[] lstm(Node node, Tensor[] in, ExecContext ctx) {
        RnnLayer L = new RnnLayer(node, in, ctx, 4);
        RnnActivation[] act = RnnActivation.parse(node, 3, L.dirs, "Sigmoid", "Tanh", "Tanh");
        boolean inputForget = node.attrInt("input_forget", 0) != 0;
        int hid = L.hidden;
        int batch = L.batch;
        double[] c = L.state(in, 6, "initial_c");
        double[] p = L.perDirection(in, 7, "P", 3 * hid);
        L.run((d, xw, time, active, h) -> {
            RnnActivation f = act[3 * d];
            RnnActivation g = act[3 * d + 1];
            RnnActivation hAct = act[3 * d + 2];
            int rb = d * 8 * hid + 4 * hid;
            int co = d * batch * hid;
            int po = d * 3 * hid;
            double[] hr = L.recurrent(d, h, 0, 4 * hid);
            for (int b = 0; b < batch; b++) {
                if (!active[b]) {
                    continue;
                }
                int xo = (time[b] * batch + b) * 4 * hid;
                int ho = b * 4 * hid;
                for (int j = 0; j < hid; j++) {
                    double cPrev = c[co + b * hid + j];
                    double pi = p == null ? 0 : p[po + j];
                    double pO = p == null ? 0 : p[po + hid + j];
                    double pf = p == null ? 0 : p[po + 2 * hid + j];
                    double ig = f.apply(L.clip(xw[xo + j] + hr[ho + j] + L.bias[rb + j] + pi * cPrev));
                    double fg = inputForget ? 1 - ig
                            : f.apply(L.clip(xw[xo + 2 * hid + j] + hr[ho + 2 * hid + j] + L.bias[rb + 2 * hid + j]
                                    + pf * cPrev));
                    double cg = g.apply(L.clip(xw[xo + 3 * hid + j] + hr[ho + 3 * hid + j] + L.bias[rb + 3 * hid + j]));
                    double cNew = fg * cPrev + ig * cg;
                    double og = f.apply(L.clip(xw[xo + hid + j] + hr[ho + hid + j] + L.bias[rb + hid + j] + pO * cNew));
                    c[co + b * hid + j] = cNew;
                    h[b * hid + j] = og * hAct.apply(cNew);
                }
            }
        });
        return new Tensor[] {L.outputY(), L.outputState(L.yh), L.outputState(c)};
    }
}
