package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.api.UnsupportedOperatorException;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/** Java CPU kernels: Identity, Dropout (inference), EyeLike, Size and Det. */
public final class MiscOps {
    private MiscOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        r.register("Identity", (node, in, ctx) -> new Tensor[] {in[0]});
        r.register("Dropout", MiscOps::dropout);
        r.register("EyeLike", MiscOps::eyeLike);
        r.register("Size", (node, in, ctx) -> {
            Tensor out = ctx.allocate(DataType.INT64);
            out.setLong(0, in[0].size());
            return new Tensor[] {out};
        });
        r.register("Det", MiscOps::det);
    }

    /**
     * Dropout at inference is the identity. From opset 12 {@code training_mode} may be set; that
     * is still the identity when the ratio is 0, and random (unsupported) otherwise.
     */
    private static Tensor[] dropout(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = in[0];
        if (node.opset() >= 12) {
            Tensor ratioT = in.length > 1 ? in[1] : null;
            Tensor trainT = in.length > 2 ? in[2] : null;
            boolean training = trainT != null && trainT.getBoolean(0);
            double ratio = ratioT == null ? 0.5 : ratioT.getDouble(0);
            if (training && ratio != 0) {
                throw new UnsupportedOperatorException(node + ": training-mode dropout with ratio " + ratio
                        + " is random; clinfer runs inference only");
            }
        } else if (node.opset() < 7 && node.attrInt("is_test", 0) == 0) {
            double ratio = node.attrFloat("ratio", 0.5f);
            if (ratio != 0) {
                throw new UnsupportedOperatorException(node + ": Dropout with is_test=0 and ratio " + ratio
                        + " is random; clinfer runs inference only");
            }
        }
        if (node.outputs().size() < 2 || node.outputs().get(1).isEmpty()) {
            return new Tensor[] {x};
        }
        // Opset 10 made the mask bool; before, it had the input's type.
        DataType maskType = node.opset() >= 10 ? DataType.BOOL : x.dataType();
        Tensor mask = ctx.allocate(maskType, x.shape());
        int n = mask.numel();
        for (int i = 0; i < n; i++) {
            mask.setLong(i, 1);
        }
        return new Tensor[] {x, mask};
    }

    private static Tensor[] eyeLike(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = in[0];
        if (x.rank() != 2) {
            throw new InvalidInputException(node + ": input must be 2-D, got " + Arrays.toString(x.shape()));
        }
        DataType type = x.dataType();
        if (node.attrInt("dtype", -1) >= 0) {
            type = DataType.fromOnnx((int) node.attrInt("dtype", -1));
            if (type == null || type == DataType.STRING) {
                throw new UnsupportedOperatorException(node + ": dtype " + node.attrInt("dtype", -1) + " is not supported");
            }
        }
        long k = node.attrInt("k", 0);
        int rows = (int) x.dim(0);
        int cols = (int) x.dim(1);
        Tensor out = ctx.allocate(type, rows, cols);
        for (int i = 0; i < rows; i++) {
            long j = i + k;
            if (j >= 0 && j < cols) {
                out.setLong((int) (i * (long) cols + j), 1);
            }
        }
        return new Tensor[] {out};
    }

    /** Determinant of each trailing M x M matrix, by LU decomposition with partial pivoting. */
    private static Tensor[] det(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = in[0];
        long[] s = x.shape();
        if (s.length < 2 || s[s.length - 1] != s[s.length - 2]) {
            throw new InvalidInputException(node + ": input must be [..., M, M], got " + Arrays.toString(s));
        }
        if (!x.dataType().isFloatingPoint()) {
            throw ElementwiseKernels.unsupported(node, x);
        }
        int m = (int) s[s.length - 1];
        long[] os = Arrays.copyOf(s, s.length - 2);
        Tensor out = ctx.allocate(x.dataType(), os);
        double[] v = x.toDoubleArray();
        int batch = out.numel();
        double[] res = new double[batch];
        ctx.parallelFor(batch, (long) m * m * m, (st, e) -> {
            double[] a = new double[m * m];
            for (int b = st; b < e; b++) {
                System.arraycopy(v, b * m * m, a, 0, m * m);
                res[b] = luDet(a, m);
            }
        });
        ElementwiseKernels.writeDoubles(out, res);
        return new Tensor[] {out};
    }

    /** @param a row-major m x m matrix, overwritten @param m order @return its determinant */
    static double luDet(double[] a, int m) {
        double det = 1;
        for (int c = 0; c < m; c++) {
            int p = c;
            for (int r = c + 1; r < m; r++) {
                if (Math.abs(a[r * m + c]) > Math.abs(a[p * m + c])) {
                    p = r;
                }
            }
            double piv = a[p * m + c];
            if (piv == 0) {
                return 0;
            }
            if (p != c) {
                for (int j = 0; j < m; j++) {
                    double t = a[c * m + j];
                    a[c * m + j] = a[p * m + j];
                    a[p * m + j] = t;
                }
                det = -det;
            }
            det *= piv;
            for (int r = c + 1; r < m; r++) {
                double f = a[r * m + c] / piv;
                if (f != 0) {
                    for (int j = c + 1; j < m; j++) {
                        a[r * m + j] -= f * a[c * m + j];
                    }
                }
            }
        }
        return det;
    }
}
