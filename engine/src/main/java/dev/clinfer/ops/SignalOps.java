package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.api.UnsupportedOperatorException;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/**
 * Java CPU kernels of the opset-17 signal operators: HannWindow, HammingWindow, BlackmanWindow,
 * DFT, STFT and MelWeightMatrix. Complex values are a trailing dim of 2 (real, imaginary).
 */
public final class SignalOps {
    private SignalOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        r.register("HannWindow", (n, in, ctx) -> window(n, in, ctx, 0.5, 0.5, 0));
        r.register("HammingWindow", (n, in, ctx) -> window(n, in, ctx, 25.0 / 46, 21.0 / 46, 0));
        r.register("BlackmanWindow", (n, in, ctx) -> window(n, in, ctx, 0.42, 0.5, 0.08));
        r.register("DFT", SignalOps::dft);
        r.register("STFT", SignalOps::stft);
        r.register("MelWeightMatrix", SignalOps::melWeightMatrix);
    }

    private static DataType outputType(Node node) {
        DataType t = DataType.fromOnnx((int) node.attrInt("output_datatype", 1));
        if (t == null || t == DataType.STRING) {
            throw new UnsupportedOperatorException(node + ": unsupported output_datatype "
                    + node.attrInt("output_datatype", 1));
        }
        return t;
    }

    private static long scalar(Node node, Tensor[] in, int i, String name) {
        if (i >= in.length || in[i] == null || in[i].size() != 1) {
            throw new InvalidInputException(node + ": input '" + name + "' must be a scalar");
        }
        return in[i].getLong(0);
    }

    /** {@code a0 - a1 cos(2 pi n / N) + a2 cos(4 pi n / N)}, N = size (periodic) or size - 1 (symmetric). */
    static Tensor[] window(Node node, Tensor[] in, ExecContext ctx, double a0, double a1, double a2) {
        long size = scalar(node, in, 0, "size");
        if (size < 0) {
            throw new InvalidInputException(node + ": window size " + size + " is negative");
        }
        boolean periodic = node.attrInt("periodic", 1) != 0;
        double denom = periodic ? size : size - 1;
        Tensor out = ctx.allocate(outputType(node), size);
        for (int k = 0; k < size; k++) {
            double x = denom == 0 ? 0 : 2 * Math.PI * k / denom;
            out.setDouble(k, a0 - a1 * Math.cos(x) + a2 * Math.cos(2 * x));
        }
        return new Tensor[] {out};
    }

    /** DFT along one axis of a real ([..., 1]) or complex ([..., 2]) signal. */
    static Tensor[] dft(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = in[0];
        int r = x.rank();
        long[] s = x.shape();
        if (r < 2 || (s[r - 1] != 1 && s[r - 1] != 2)) {
            throw new InvalidInputException(node + ": input must end in a dim of 1 (real) or 2 (complex), got "
                    + Arrays.toString(s));
        }
        long axisAttr = node.opset() >= 20 ? (in.length > 2 && in[2] != null ? in[2].getLong(0) : -2)
                : node.attrInt("axis", 1);
        int axis = (int) (axisAttr < 0 ? axisAttr + r : axisAttr);
        if (axis < 0 || axis >= r - 1) {
            throw new InvalidInputException(node + ": axis " + axisAttr + " is out of range for input "
                    + Arrays.toString(s));
        }
        boolean inverse = node.attrInt("inverse", 0) != 0;
        boolean onesided = node.attrInt("onesided", 0) != 0;
        if (inverse && onesided) {
            throw new UnsupportedOperatorException(node + ": inverse with onesided = 1 is not supported");
        }
        int nIn = (int) s[axis];
        int len = in.length > 1 && in[1] != null ? (int) in[1].getLong(0) : nIn;
        if (len < 1) {
            throw new InvalidInputException(node + ": dft_length " + len + " must be positive");
        }
        int outLen = onesided ? len / 2 + 1 : len;
        long[] os = s.clone();
        os[axis] = outLen;
        os[r - 1] = 2;
        int comp = (int) s[r - 1];
        int outer = OpUtil.size(Arrays.copyOfRange(s, 0, axis));
        int inner = OpUtil.size(Arrays.copyOfRange(s, axis + 1, r - 1));
        double[] xv = x.toDoubleArray();
        double[] ov = new double[OpUtil.size(os)];
        SignalDft f = new SignalDft(len);
        ctx.parallelFor(outer * inner, (long) len * len, (lo, hi) -> {
            double[] re = new double[len];
            double[] im = new double[len];
            for (int line = lo; line < hi; line++) {
                int o = line / inner;
                int q = line % inner;
                Arrays.fill(re, 0);
                Arrays.fill(im, 0);
                for (int j = 0; j < Math.min(nIn, len); j++) {
                    int at = ((o * nIn + j) * inner + q) * comp;
                    re[j] = xv[at];
                    im[j] = comp == 2 ? xv[at + 1] : 0;
                }
                f.transform(re, im, inverse);
                for (int k = 0; k < outLen; k++) {
                    int at = ((o * outLen + k) * inner + q) * 2;
                    ov[at] = re[k];
                    ov[at + 1] = im[k];
                }
            }
        });
        return new Tensor[] {filled(ctx, x.dataType(), ov, os)};
    }

    /** Short-time Fourier transform of {@code [batch, length, 1|2]} into {@code [batch, frames, bins, 2]}. */
    static Tensor[] stft(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = in[0];
        long[] s = x.shape();
        if (x.rank() != 3 || (s[2] != 1 && s[2] != 2)) {
            throw new InvalidInputException(node + ": signal must be [batch, length, 1 or 2], got " + Arrays.toString(s));
        }
        long step = scalar(node, in, 1, "frame_step");
        Tensor win = in.length > 2 ? in[2] : null;
        int frameLen;
        if (in.length > 3 && in[3] != null) {
            frameLen = (int) in[3].getLong(0);
        } else if (win != null) {
            frameLen = (int) win.size();
        } else {
            frameLen = (int) s[1];
        }
        if (step < 1 || frameLen < 1 || frameLen > s[1]) {
            throw new InvalidInputException(node + ": frame_step " + step + " / frame_length " + frameLen
                    + " do not fit a signal of length " + s[1]);
        }
        double[] w = win == null ? null : win.toDoubleArray();
        int wLen = w == null ? frameLen : w.length;
        boolean onesided = node.attrInt("onesided", 1) != 0;
        int batch = (int) s[0];
        int length = (int) s[1];
        int comp = (int) s[2];
        int frames = (int) (1 + (length - frameLen) / step);
        int bins = onesided ? frameLen / 2 + 1 : frameLen;
        double[] xv = x.toDoubleArray();
        double[] ov = new double[batch * frames * bins * 2];
        SignalDft f = new SignalDft(frameLen);
        ctx.parallelFor(batch * frames, (long) frameLen * frameLen, (lo, hi) -> {
            double[] re = new double[frameLen];
            double[] im = new double[frameLen];
            for (int bf = lo; bf < hi; bf++) {
                int b = bf / frames;
                int start = (int) ((bf % frames) * step);
                Arrays.fill(re, 0);
                Arrays.fill(im, 0);
                for (int j = 0; j < Math.min(wLen, frameLen) && start + j < length; j++) {
                    double wj = w == null ? 1 : w[j];
                    int at = (b * length + start + j) * comp;
                    re[j] = xv[at] * wj;
                    im[j] = comp == 2 ? xv[at + 1] * wj : 0;
                }
                f.transform(re, im, false);
                for (int k = 0; k < bins; k++) {
                    ov[(bf * bins + k) * 2] = re[k];
                    ov[(bf * bins + k) * 2 + 1] = im[k];
                }
            }
        });
        return new Tensor[] {filled(ctx, x.dataType(), ov, batch, frames, bins, 2)};
    }

    /**
     * Triangular mel filters, {@code [dft_length / 2 + 1, num_mel_bins]}, placed as the ONNX
     * reference does: num_mel_bins + 2 points evenly spaced on the mel scale, each mapped to
     * the DFT bin {@code floor((dft_length + 1) * hz / sample_rate)}.
     */
    static Tensor[] melWeightMatrix(Node node, Tensor[] in, ExecContext ctx) {
        int mels = (int) scalar(node, in, 0, "num_mel_bins");
        int dftLen = (int) scalar(node, in, 1, "dft_length");
        long rate = scalar(node, in, 2, "sample_rate");
        double lo = in[3].getDouble(0);
        double hi = in[4].getDouble(0);
        if (mels < 1 || dftLen < 1 || rate < 1 || lo < 0 || hi < lo) {
            throw new InvalidInputException(node + ": invalid arguments num_mel_bins " + mels + ", dft_length " + dftLen
                    + ", sample_rate " + rate + ", edges " + lo + ".." + hi);
        }
        int specBins = dftLen / 2 + 1;
        double loMel = 2595 * Math.log10(1 + lo / 700);
        double hiMel = 2595 * Math.log10(1 + hi / 700);
        double melStep = (hiMel - loMel) / (mels + 2);
        int[] bin = new int[mels + 2];
        for (int i = 0; i < bin.length; i++) {
            double hz = 700 * (Math.pow(10, (i * melStep + loMel) / 2595) - 1);
            bin[i] = (int) Math.floor((dftLen + 1) * hz / rate);
        }
        double[] out = new double[specBins * mels];
        for (int i = 0; i < mels; i++) {
            int left = bin[i];
            int center = bin[i + 1];
            int right = bin[i + 2];
            if (center == left) {
                put(out, specBins, mels, center, i, 1);
            } else {
                for (int j = left; j <= center; j++) {
                    put(out, specBins, mels, j, i, (double) (j - left) / (center - left));
                }
            }
            for (int j = center; j < right; j++) {
                put(out, specBins, mels, j, i, (double) (right - j) / (right - center));
            }
        }
        return new Tensor[] {filled(ctx, outputType(node), out, specBins, mels)};
    }

    private static void put(double[] out, int rows, int cols, int row, int col, double v) {
        if (row >= 0 && row < rows) {
            out[row * cols + col] = v;
        }
    }

    private static Tensor filled(ExecContext ctx, DataType type, double[] v, long... shape) {
        Tensor t = ctx.allocate(type, shape);
        for (int i = 0; i < v.length; i++) {
            t.setDouble(i, v[i]);
        }
        return t;
    }
}
