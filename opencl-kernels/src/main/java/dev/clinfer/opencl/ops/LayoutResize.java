package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.DeviceOp;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;

import java.util.List;
import java.util.Locale;

/**
 * Resize (opsets 10+) and Upsample (7, 9) of the last two axes, nearest or bilinear, with constant
 * scales or sizes. Source coordinates are computed in double where the device has fp64 (the Java
 * reference computes them in double, so indices match exactly); without fp64 only nearest
 * asymmetric/floor with integer scales runs here, as exact integer division.
 */
final class LayoutResize implements DeviceOp {
    @Override
    public List<ProgramRef> programs(Node node, DeviceOpContext.Static st) {
        return List.of(new ProgramRef(LayoutLaunchers.FILE, st.device().fp64() ? "-DRESIZE_FP64" : ""));
    }

    private static final List<String> TRANSFORMS = List.of("half_pixel", "pytorch_half_pixel", "align_corners",
            "asymmetric", "tf_half_pixel_for_nn");
    private static final List<String> ROUNDINGS = List.of("round_prefer_floor", "round_prefer_ceil", "floor", "ceil");
    private static final int SIMPLE = 4;

    /** The resolved parameters of one node. */
    private record Params(boolean linear, int transform, int rounding, double[] scales, long[] sizes) {
    }

    @Override
    public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static st) {
        ValueInfo x = LayoutIndexing.info(inputs, 0);
        if (!LayoutIndexing.isFloat(x)) {
            return false;
        }
        Params p;
        try {
            p = params(node, i -> LayoutIndexing.present(node, i) ? st.constant(node.inputs().get(i)) : null, true);
        } catch (InvalidInputException e) {
            return false;
        }
        if (p == null) {
            return false;
        }
        int rank = p.scales != null ? p.scales.length : p.sizes.length;
        if (rank < 2) {
            return false;
        }
        // The kernel copies the leading axes unchanged. With tf_half_pixel_for_nn an axis of scale 1
        // maps o to o + 0.5, which ceil-like rounding and linear blending move off o: decline those.
        boolean shifts = p.transform == TRANSFORMS.indexOf("tf_half_pixel_for_nn")
                && (p.linear || p.rounding == ROUNDINGS.indexOf("round_prefer_ceil")
                || p.rounding == ROUNDINGS.indexOf("ceil"));
        if (shifts && rank > 2) {
            return false;
        }
        Shape xs = x.shape();
        for (int d = 0; d < rank - 2; d++) {
            if (p.scales != null) {
                if (p.scales[d] != 1) {
                    return false;
                }
            } else if (xs == null || !xs.hasRank() || xs.rank() != rank || !xs.dim(d).isKnown()
                    || xs.dim(d).value() != p.sizes[d]) {
                return false;
            }
        }
        if (st.device().fp64()) {
            return true;
        }
        return p.scales != null && intScale(p, rank - 2) > 0 && intScale(p, rank - 1) > 0;
    }

    /**
     * @param constant input index to its constant (or null)
     * @param check    true at prepare time: unknown parameters give null instead of a sync
     * @return the parameters, or null when this launcher cannot run the node
     */
    private static Params params(Node node, java.util.function.IntFunction<Tensor> constant, boolean check) {
        String mode = node.attrString("mode", "nearest").toLowerCase(Locale.ROOT);
        boolean linear = mode.equals("linear") || mode.equals("bilinear");
        if (!linear && !mode.equals("nearest")) {
            return null;
        }
        Tensor scales;
        Tensor sizes = null;
        int transform;
        int rounding;
        if (node.opType().equals("Upsample")) {
            if (node.opset() < 7) {
                return null;
            }
            if (node.opset() < 9) {
                float[] s = node.attrFloats("scales", null);
                scales = s == null ? null : Tensor.of(s, s.length);
            } else {
                scales = constant.apply(1);
            }
            transform = TRANSFORMS.indexOf("asymmetric");
            rounding = SIMPLE;
        } else if (node.opset() < 11) {
            scales = constant.apply(1);
            transform = TRANSFORMS.indexOf("asymmetric");
            rounding = SIMPLE;
        } else {
            transform = TRANSFORMS.indexOf(node.attrString("coordinate_transformation_mode", "half_pixel"));
            rounding = ROUNDINGS.indexOf(node.attrString("nearest_mode", "round_prefer_floor"));
            if (transform < 0 || rounding < 0 || node.attrInt("antialias", 0) != 0 || node.hasAttr("axes")
                    || !node.attrString("keep_aspect_ratio_policy", "stretch").equals("stretch")
                    || (linear && node.attrInt("exclude_outside", 0) != 0)) {
                return null;
            }
            boolean hasScales = LayoutIndexing.present(node, 2);
            boolean hasSizes = LayoutIndexing.present(node, 3);
            scales = hasScales ? constant.apply(2) : null;
            sizes = hasSizes ? constant.apply(3) : null;
            if ((hasScales && scales == null) || (hasSizes && sizes == null)) {
                return null;
            }
            if (scales != null && scales.size() == 0) {
                scales = null;
            }
            if (sizes != null && sizes.size() == 0) {
                sizes = null;
            }
        }
        if (scales == null && sizes == null) {
            return null;
        }
        if (scales != null && sizes != null) {
            throw new InvalidInputException(node + ": only one of scales and sizes may be given");
        }
        if (scales != null && scales.dataType() != DataType.FLOAT) {
            return null;
        }
        double[] sc = scales == null ? null : scales.toDoubleArray();
        if (sc != null) {
            for (double v : sc) {
                if (!(v > 0)) {
                    throw new InvalidInputException(node + ": scales must be positive, got " + java.util.Arrays.toString(sc));
                }
            }
        }
        return new Params(linear, transform, rounding, sc, sizes == null ? null : sizes.toLongArray());
    }

    /** @return the integer scale when axis d is nearest/asymmetric/floor with an integer scale, else 0 */
    private static int intScale(Params p, int d) {
        if (p.linear || p.scales == null || p.transform != TRANSFORMS.indexOf("asymmetric")) {
            return 0;
        }
        double s = p.scales[d];
        boolean floor = p.rounding == ROUNDINGS.indexOf("floor") || (p.rounding == SIMPLE && s >= 1);
        return floor && s == Math.rint(s) && s >= 1 && s < 1 << 20 ? (int) s : 0;
    }

    @Override
    public DeviceTensor[] enqueue(Node node, DeviceTensor[] inputs, DeviceOpContext ctx) {
        DeviceTensor x = inputs[0];
        Params p = params(node, i -> LayoutIndexing.present(node, i) ? ctx.hostInput(node, i) : null, false);
        long[] xs = x.shape();
        int rank = xs.length;
        int given = p.scales != null ? p.scales.length : p.sizes.length;
        if (given != rank) {
            throw new InvalidInputException(node + ": " + (p.scales != null ? "scales" : "sizes") + " has " + given
                    + " entries, expected " + rank + " for input " + java.util.Arrays.toString(xs));
        }
        long[] out = xs.clone();
        for (int d = 0; d < rank; d++) {
            out[d] = p.scales != null ? (long) Math.floor(p.scales[d] * xs[d]) : p.sizes[d];
            if (d < rank - 2 && out[d] != xs[d]) {
                throw new InvalidInputException(node + ": the OpenCL Resize only resizes the last two axes");
            }
            if (xs[d] == 0 && out[d] > 0) {
                throw new InvalidInputException(node + ": cannot resize an empty dim " + d);
            }
        }
        DeviceTensor y = ctx.allocate(DataType.FLOAT, out);
        int n = LayoutIndexing.count(node, out);
        if (n == 0) {
            return new DeviceTensor[] {y};
        }
        int h = rank - 2;
        int w = rank - 1;
        int sH = intScale(p, h);
        int sW = intScale(p, w);
        if (sH > 0 && sW > 0 && out[h] == xs[h] * sH && out[w] == xs[w] * sW) {
            // Integer nearest upsampling (FPN necks): each input pixel is copied to its output run
            // without per-element division; global (inW, outH, planes).
            ClKernel k = ctx.kernel(LayoutLaunchers.FILE, "", "upsample_nearest_int");
            k.arg(0, x.buffer()).arg(1, y.buffer()).arg(2, (int) xs[h]).arg(3, (int) xs[w]).arg(4, sH).arg(5, sW);
            long planes = n / (out[h] * out[w]);
            ctx.launch(k, new long[] {xs[w], out[h], planes}, null);
            return new DeviceTensor[] {y};
        }
        boolean fp64 = ctx.device().fp64();
        ClKernel k = ctx.kernel(LayoutLaunchers.FILE, fp64 ? "-DRESIZE_FP64" : "", "resize2d");
        k.arg(0, x.buffer()).arg(1, y.buffer()).arg(2, n).arg(3, (int) xs[h]).arg(4, (int) xs[w])
                .arg(5, (int) out[h]).arg(6, (int) out[w])
                .arg(7, p.scales != null ? (float) p.scales[h] : 1f).arg(8, p.scales != null ? (float) p.scales[w] : 1f)
                .arg(9, p.scales == null ? 1 : 0).arg(10, p.transform).arg(11, p.rounding).arg(12, p.linear ? 1 : 0)
                .arg(13, intScale(p, h)).arg(14, intScale(p, w));
        ctx.launch(k, LayoutIndexing.global(n), null);
        return new DeviceTensor[] {y};
    }
}
