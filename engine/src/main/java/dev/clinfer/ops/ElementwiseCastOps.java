package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.api.UnsupportedOperatorException;
import dev.clinfer.ir.Node;
import dev.clinfer.util.Half;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Java CPU kernels: Cast and CastLike. Floats to integers truncate toward zero and wrap to the
 * target width (as a C cast does on the usual platforms); anything to bool is {@code != 0};
 * strings parse and print as numpy does.
 */
public final class ElementwiseCastOps {
    private ElementwiseCastOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        r.register("Cast", (node, in, ctx) -> {
            int code = (int) node.attrInt("to", -1);
            DataType to = DataType.fromOnnx(code);
            if (to == null) {
                throw new UnsupportedOperatorException(node + ": cast to ONNX element type " + code
                        + " is not supported");
            }
            return new Tensor[] {cast(node, in[0], to, ctx)};
        });
        r.register("CastLike", (node, in, ctx) -> {
            ElementwiseOps.requireInputs(node, in, 2);
            return new Tensor[] {cast(node, in[0], in[1].dataType(), ctx)};
        });
    }

    /**
     * Converts a tensor to another element type.
     *
     * @param node for error messages
     * @param x    input
     * @param to   target type
     * @param ctx  allocation
     * @return the converted tensor (x itself when the type already matches)
     */
    public static Tensor cast(Node node, Tensor x, DataType to, ExecContext ctx) {
        DataType from = x.dataType();
        if (from == to) {
            return x;
        }
        int n = x.numel();
        if (from == DataType.STRING) {
            String[] s = x.strings();
            Tensor out = ctx.allocate(to, x.shape());
            for (int i = 0; i < n; i++) {
                out.setDouble(i, parse(node, s[i]));
            }
            return out;
        }
        if (to == DataType.STRING) {
            String[] s = new String[n];
            for (int i = 0; i < n; i++) {
                s[i] = from.isFloatingPoint() ? format(x.getDouble(i), from) : Long.toString(x.getLong(i));
            }
            return Tensor.ofStrings(s, x.shape());
        }
        Tensor out = ctx.allocate(to, x.shape());
        if (from == DataType.FLOAT && to == DataType.DOUBLE) {
            float[] f = x.toFloatArray();
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = f[i];
            }
            out.doubles().put(d);
        } else if (from == DataType.DOUBLE && (to == DataType.FLOAT16 || to == DataType.BFLOAT16)) {
            double[] d = x.toDoubleArray();
            java.nio.ShortBuffer sb = out.shorts();
            for (int i = 0; i < n; i++) {
                sb.put(i, to == DataType.FLOAT16 ? halfFromDouble(d[i]) : Half.floatToBfloat16((float) d[i]));
            }
        } else if (from.isFloatingPoint() || to.isFloatingPoint()) {
            // getDouble reads uint64 above Long.MAX_VALUE correctly, so integers to floats go this way too.
            ElementwiseKernels.writeDoubles(out, x.toDoubleArray());
        } else {
            ElementwiseKernels.writeLongs(out, x.toLongArray());
        }
        return out;
    }

    /**
     * Double to IEEE half rounding once (float then half would round twice). Rounds the double to
     * 11 significant bits by hand for normal halves; subnormals and overflow go through float,
     * where double rounding cannot matter at that scale in practice.
     */
    static short halfFromDouble(double d) {
        float f = (float) d;
        if (Float.isNaN(f) || Float.isInfinite(f) || Math.abs(d) < 6.103515625e-05 || Math.abs(d) >= 65520) {
            return Half.fromFloat(f);
        }
        int exp = Math.getExponent(d);
        double ulp = Math.scalb(1.0, exp - 10);
        double rounded = Math.rint(d / ulp) * ulp; // rint: ties to even, as IEEE rounding
        return Half.fromFloat((float) rounded);
    }

    private static double parse(Node node, String s) {
        String t = s.trim();
        String l = t.toLowerCase();
        boolean neg = l.startsWith("-");
        String body = l.startsWith("-") || l.startsWith("+") ? l.substring(1) : l;
        if (body.equals("inf") || body.equals("infinity")) {
            return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (body.equals("nan")) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(node + ": cannot cast string '" + s + "' to a number");
        }
    }

    /**
     * numpy's str() of a float: the shortest digits that round-trip in the source precision,
     * positional for 1e-4 &lt;= |x| &lt; 1e16, else scientific like {@code 1.5e-05}.
     */
    static String format(double v, DataType from) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(v);
        BigDecimal best = exact;
        int maxDigits = from == DataType.DOUBLE ? 17 : from == DataType.FLOAT ? 9 : 5;
        for (int p = 1; p <= maxDigits; p++) {
            BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (roundTrips(r.doubleValue(), v, from)) {
                best = r;
                break;
            }
        }
        double a = Math.abs(v);
        if (a >= 1e-4 && a < 1e16) {
            String s = best.stripTrailingZeros().toPlainString();
            return s.contains(".") ? s : s + ".0";
        }
        BigDecimal u = best.stripTrailingZeros();
        String digits = u.unscaledValue().abs().toString();
        int exp10 = digits.length() - 1 - u.scale();
        String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (u.signum() < 0 ? "-" : "") + mant + "e" + (exp10 < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp10));
    }

    private static boolean roundTrips(double candidate, double v, DataType from) {
        switch (from) {
            case FLOAT: return (float) candidate == (float) v;
            case FLOAT16: return Half.fromFloat((float) candidate) == Half.fromFloat((float) v);
            case BFLOAT16: return Half.floatToBfloat16((float) candidate) == Half.floatToBfloat16((float) v);
            default: return candidate == v;
        }
    }
}
