package dev.clinfer.ops;

/**
 * How one axis of a Resize maps output positions to input elements: for each output index
 * {@code o}, {@code taps} input indices {@code index[o * taps + t]} (already clamped to the
 * input) with weights {@code weight[o * taps + t]}, and whether the position falls outside the
 * crop region (tf_crop_and_resize: the output there is the extrapolation value).
 */
final class ResizeAxis {
    /** The interpolation of one axis. */
    enum Mode { NEAREST, LINEAR, CUBIC }

    /** How nearest mode rounds a fractional source coordinate. */
    enum Rounding { ROUND_PREFER_FLOOR, ROUND_PREFER_CEIL, FLOOR, CEIL, SIMPLE }

    final int inLen;
    final int outLen;
    final int taps;
    final int[] index;
    final double[] weight;
    /** Null when no position is outside. */
    final boolean[] outside;
    /** True when the axis copies its input unchanged (no pass needed). */
    final boolean identity;

    private ResizeAxis(int inLen, int outLen, int taps, int[] index, double[] weight, boolean[] outside,
                       boolean identity) {
        this.inLen = inLen;
        this.outLen = outLen;
        this.taps = taps;
        this.index = index;
        this.weight = weight;
        this.outside = outside;
        this.identity = identity;
    }

    /** Options that are the same for every axis of one Resize node. */
    record Options(Mode mode, String transform, Rounding rounding, double cubicA, boolean excludeOutside,
                   boolean antialias) {
    }

    /**
     * @param in       input length
     * @param out      output length
     * @param scale    the scale of this axis (output / input, as given or derived from sizes)
     * @param roiStart crop start (tf_crop_and_resize), normalised
     * @param roiEnd   crop end, normalised
     * @param opt      the node's interpolation options
     * @return the taps of this axis
     */
    static ResizeAxis build(int in, int out, double scale, double roiStart, double roiEnd, Options opt) {
        double[] src = new double[out];
        boolean[] outside = null;
        boolean identity = in == out;
        for (int o = 0; o < out; o++) {
            double x = sourceCoordinate(o, in, out, scale, roiStart, roiEnd, opt.transform());
            src[o] = x;
            if (opt.transform().equals("tf_crop_and_resize") && (x < 0 || x > in - 1)) {
                if (outside == null) {
                    outside = new boolean[out];
                }
                outside[o] = true;
            }
        }
        if (opt.mode() == Mode.NEAREST) {
            int[] idx = new int[out];
            double[] w = new double[out];
            boolean down = scale < 1;
            for (int o = 0; o < out; o++) {
                idx[o] = clamp(nearest(src[o], opt.rounding(), down), in);
                w[o] = 1;
                identity &= idx[o] == o;
            }
            return new ResizeAxis(in, out, 1, idx, w, outside, identity && outside == null);
        }
        for (int o = 0; o < out && identity; o++) {
            identity = src[o] == o;
        }
        if (identity && outside == null) {
            return new ResizeAxis(in, out, 1, null, null, null, true);
        }
        // Taps sit at base + i, base = ceil(x) - 1 and ratio = x - base in (0, 1], as in the ONNX reference.
        double s = opt.antialias() ? Math.min(scale, 1) : 1;
        int start;
        if (opt.mode() == Mode.LINEAR) {
            start = opt.antialias() ? (int) Math.floor(-1 / s) + 1 : 0;
        } else {
            start = opt.antialias() ? (int) Math.floor(-2 / s) + 1 : -1;
        }
        int taps = 2 - 2 * start;
        int[] idx = new int[out * taps];
        double[] w = new double[out * taps];
        double a = opt.cubicA();
        for (int o = 0; o < out; o++) {
            double x = src[o];
            int base = (int) Math.ceil(x) - 1;
            double ratio = x - base;
            double sum = 0;
            for (int t = 0; t < taps; t++) {
                int i = start + t;
                double c;
                if (opt.mode() == Mode.LINEAR) {
                    c = Math.max(0, 1 - Math.abs((i - ratio) * s));
                } else {
                    c = cubic(Math.abs((i - ratio) * s), a);
                }
                int p = base + i;
                if (opt.excludeOutside() && (p < 0 || p >= in)) {
                    c = 0;
                }
                idx[o * taps + t] = clamp(p, in);
                w[o * taps + t] = c;
                sum += c;
            }
            if ((opt.antialias() || opt.excludeOutside()) && sum != 0) {
                for (int t = 0; t < taps; t++) {
                    w[o * taps + t] /= sum;
                }
            }
        }
        return new ResizeAxis(in, out, taps, idx, w, outside, false);
    }

    /** The Keys cubic convolution kernel with parameter {@code a} at distance {@code x >= 0}. */
    private static double cubic(double x, double a) {
        if (x <= 1) {
            return ((a + 2) * x - (a + 3)) * x * x + 1;
        }
        if (x < 2) {
            return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
        }
        return 0;
    }

    private static int clamp(int i, int n) {
        return i < 0 ? 0 : i >= n ? n - 1 : i;
    }

    private static int nearest(double x, Rounding r, boolean down) {
        switch (r) {
            case ROUND_PREFER_FLOOR: {
                double f = Math.floor(x);
                return (int) (x - f == 0.5 ? f : Math.floor(x + 0.5));
            }
            case ROUND_PREFER_CEIL:
                return (int) Math.floor(x + 0.5);
            case FLOOR:
                return (int) Math.floor(x);
            case CEIL:
                return (int) Math.ceil(x);
            default:
                // Resize-10 / Upsample: ceil when downsampling, truncation otherwise (as ORT).
                return down ? (int) Math.ceil(x) : (int) x;
        }
    }

    /** Maps output index {@code o} to a (fractional) input coordinate. */
    static double sourceCoordinate(int o, int in, int out, double scale, double roiStart, double roiEnd, String mode) {
        // The ONNX reference uses the unrounded output length scale * in in these formulas.
        double outF = scale * in;
        switch (mode) {
            case "half_pixel":
                return (o + 0.5) / scale - 0.5;
            case "half_pixel_symmetric": {
                double adjustment = out / outF;
                double offset = in / 2.0 * (1 - adjustment);
                return offset + (o + 0.5) / scale - 0.5;
            }
            case "pytorch_half_pixel":
                return outF == 1 ? -0.5 : (o + 0.5) / scale - 0.5;
            case "align_corners":
                return outF == 1 ? 0 : o * (in - 1) / (outF - 1);
            case "asymmetric":
                return o / scale;
            case "tf_half_pixel_for_nn":
                return (o + 0.5) / scale;
            case "tf_crop_and_resize": {
                double x = outF == 1 ? (roiEnd - roiStart) * (in - 1) / 2 : o * (roiEnd - roiStart) * (in - 1) / (outF - 1);
                return x + roiStart * (in - 1);
            }
            default:
                throw new IllegalArgumentException(mode);
        }
    }
}
