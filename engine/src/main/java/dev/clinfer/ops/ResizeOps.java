package dev.clinfer.ops;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.api.UnsupportedOperatorException;
import dev.clinfer.ir.Node;

import java.util.Arrays;
import java.util.Locale;

/**
 * Java CPU kernels: Resize (opsets 10 to 19), Upsample (7, 9) and GridSample. This class reads
 * the node's inputs and attributes into per-axis {@link ResizeAxis} maps; {@link ResizeKernel}
 * does the arithmetic.
 */
public final class ResizeOps {
    private ResizeOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        r.register("Resize", ResizeOps::resize);
        r.register("Upsample", ResizeOps::upsample);
        ResizeGridSample.register(r);
    }

    private static Tensor[] resize(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = NormalizationOps.input(node, in, 0, "X");
        int opset = node.opset();
        Tensor roi = null;
        Tensor scales;
        Tensor sizes = null;
        if (opset < 11) {
            scales = NormalizationOps.input(node, in, 1, "scales");
        } else {
            roi = in.length > 1 ? in[1] : null;
            scales = in.length > 2 ? in[2] : null;
            sizes = in.length > 3 ? in[3] : null;
        }
        String transform = opset >= 11 ? node.attrString("coordinate_transformation_mode", "half_pixel") : "asymmetric";
        ResizeAxis.Rounding rounding = opset >= 11 ? rounding(node) : ResizeAxis.Rounding.SIMPLE;
        ResizeAxis.Options opt = new ResizeAxis.Options(mode(node), transform, rounding,
                node.attrFloat("cubic_coeff_a", -0.75f), node.attrInt("exclude_outside", 0) != 0,
                node.attrInt("antialias", 0) != 0);
        return new Tensor[] {run(node, x, roi, scales, sizes, opt, node.attrFloat("extrapolation_value", 0f), ctx)};
    }

    private static Tensor[] upsample(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = NormalizationOps.input(node, in, 0, "X");
        Tensor scales;
        if (node.opset() >= 9) {
            scales = NormalizationOps.input(node, in, 1, "scales");
        } else {
            float[] s = node.attrFloats("scales", null);
            if (s == null) {
                throw new InvalidInputException(node + ": missing attribute scales");
            }
            scales = Tensor.of(s, s.length);
        }
        ResizeAxis.Options opt = new ResizeAxis.Options(mode(node), "asymmetric", ResizeAxis.Rounding.SIMPLE, -0.75,
                false, false);
        return new Tensor[] {run(node, x, null, scales, null, opt, 0, ctx)};
    }

    private static ResizeAxis.Mode mode(Node node) {
        String m = node.attrString("mode", "nearest").toLowerCase(Locale.ROOT);
        switch (m) {
            case "nearest":
                return ResizeAxis.Mode.NEAREST;
            case "linear":
            case "bilinear":
            case "trilinear":
                return ResizeAxis.Mode.LINEAR;
            case "cubic":
                if (node.opType().equals("Resize")) {
                    return ResizeAxis.Mode.CUBIC;
                }
                break;
            default:
                break;
        }
        throw new UnsupportedOperatorException(node + ": unsupported mode '" + m + "'");
    }

    private static ResizeAxis.Rounding rounding(Node node) {
        String m = node.attrString("nearest_mode", "round_prefer_floor");
        switch (m) {
            case "round_prefer_floor": return ResizeAxis.Rounding.ROUND_PREFER_FLOOR;
            case "round_prefer_ceil": return ResizeAxis.Rounding.ROUND_PREFER_CEIL;
            case "floor": return ResizeAxis.Rounding.FLOOR;
            case "ceil": return ResizeAxis.Rounding.CEIL;
            default:
                throw new UnsupportedOperatorException(node + ": unsupported nearest_mode '" + m + "'");
        }
    }

    private static Tensor run(Node node, Tensor x, Tensor roiT, Tensor scalesT, Tensor sizesT, ResizeAxis.Options opt,
                              double extrapolation, ExecContext ctx) {
        checkTransform(node, opt.transform());
        long[] xs = x.shape();
        int rank = xs.length;
        int[] axes = axes(node, rank);
        double[] scale = new double[rank];
        long[] out = xs.clone();
        Arrays.fill(scale, 1);
        boolean haveScales = scalesT != null && scalesT.size() > 0;
        boolean haveSizes = sizesT != null && sizesT.size() > 0;
        if (haveScales && haveSizes) {
            throw new InvalidInputException(node + ": only one of scales and sizes may be given");
        }
        if (haveScales) {
            double[] s = scalesT.toDoubleArray();
            if (s.length != axes.length) {
                throw new InvalidInputException(node + ": scales has " + s.length + " entries, expected " + axes.length
                        + " for input " + Arrays.toString(xs));
            }
            for (int i = 0; i < axes.length; i++) {
                int d = axes[i];
                if (!(s[i] > 0)) {
                    throw new InvalidInputException(node + ": scales must be positive, got " + Arrays.toString(s));
                }
                scale[d] = s[i];
                out[d] = (long) Math.floor(s[i] * xs[d]);
            }
        } else if (haveSizes) {
            long[] s = sizesT.toLongArray();
            if (s.length != axes.length) {
                throw new InvalidInputException(node + ": sizes has " + s.length + " entries, expected " + axes.length
                        + " for input " + Arrays.toString(xs));
            }
            for (int i = 0; i < axes.length; i++) {
                int d = axes[i];
                if (s[i] < 0) {
                    throw new InvalidInputException(node + ": sizes must be non-negative, got " + Arrays.toString(s));
                }
                out[d] = s[i];
                scale[d] = xs[d] == 0 ? 1 : (double) s[i] / xs[d];
            }
            keepAspectRatio(node, xs, axes, scale, out);
        } else {
            throw new InvalidInputException(node + ": one of scales and sizes must be given");
        }
        double[] roiStart = new double[rank];
        double[] roiEnd = new double[rank];
        Arrays.fill(roiEnd, 1);
        if (opt.transform().equals("tf_crop_and_resize")) {
            if (roiT == null || roiT.size() != 2L * axes.length) {
                throw new InvalidInputException(node + ": tf_crop_and_resize needs roi with " + 2 * axes.length
                        + " values, got " + (roiT == null ? "none" : Long.toString(roiT.size())));
            }
            double[] r = roiT.toDoubleArray();
            for (int i = 0; i < axes.length; i++) {
                roiStart[axes[i]] = r[i];
                roiEnd[axes[i]] = r[axes.length + i];
            }
        }
        ResizeAxis[] maps = new ResizeAxis[rank];
        for (int d = 0; d < rank; d++) {
            if (out[d] > Integer.MAX_VALUE) {
                throw new InvalidInputException(node + ": output dim " + d + " = " + out[d] + " is too large");
            }
            if (xs[d] == 0 && out[d] > 0) {
                throw new InvalidInputException(node + ": cannot resize an empty dim " + d + " of " + Arrays.toString(xs));
            }
            maps[d] = ResizeAxis.build((int) xs[d], (int) out[d], scale[d], roiStart[d], roiEnd[d], opt);
        }
        return ResizeKernel.run(x, maps, extrapolation, ctx);
    }

    private static void checkTransform(Node node, String t) {
        switch (t) {
            case "half_pixel":
            case "half_pixel_symmetric":
            case "pytorch_half_pixel":
            case "align_corners":
            case "asymmetric":
            case "tf_half_pixel_for_nn":
            case "tf_crop_and_resize":
                return;
            default:
                throw new UnsupportedOperatorException(node + ": unsupported coordinate_transformation_mode '" + t + "'");
        }
    }

    private static int[] axes(Node node, int rank) {
        long[] a = node.attrInts("axes", null);
        if (a == null) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = OpUtil.axis(a[i], rank, node);
        }
        return r;
    }

    /** Opset 18 keep_aspect_ratio_policy: one common scale over the resized axes. */
    private static void keepAspectRatio(Node node, long[] xs, int[] axes, double[] scale, long[] out) {
        String policy = node.attrString("keep_aspect_ratio_policy", "stretch");
        if (policy.equals("stretch")) {
            return;
        }
        boolean notLarger = policy.equals("not_larger");
        if (!notLarger && !policy.equals("not_smaller")) {
            throw new UnsupportedOperatorException(node + ": unknown keep_aspect_ratio_policy '" + policy + "'");
        }
        double s = notLarger ? Double.POSITIVE_INFINITY : 0;
        for (int d : axes) {
            s = notLarger ? Math.min(s, scale[d]) : Math.max(s, scale[d]);
        }
        for (int d : axes) {
            scale[d] = s;
            out[d] = (long) (s * xs[d] + 0.5);
        }
    }
}
