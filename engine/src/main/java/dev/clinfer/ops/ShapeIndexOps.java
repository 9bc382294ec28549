package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/** Java CPU kernels: Range, NonZero, Trilu, ReverseSequence (Unique is in {@link ShapeUnique}). */
final class ShapeIndexOps {
    private ShapeIndexOps() {
    }

    static void register(OpRegistry r) {
        r.register("Range", ShapeIndexOps::range);
        r.register("NonZero", ShapeIndexOps::nonZero);
        r.register("Trilu", ShapeIndexOps::trilu);
        r.register("ReverseSequence", ShapeIndexOps::reverseSequence);
        r.register("Unique", ShapeUnique::run);
    }

    private static Tensor[] range(Node node, Tensor[] in, ExecContext ctx) {
        Tensor start = ShapeOps.required(node, in, 0);
        Tensor limit = ShapeOps.required(node, in, 1);
        Tensor delta = ShapeOps.required(node, in, 2);
        DataType type = start.dataType();
        Tensor y;
        if (type.isFloatingPoint()) {
            double s = start.getDouble(0);
            double d = delta.getDouble(0);
            double n = Math.ceil((limit.getDouble(0) - s) / d);
            if (d == 0 || Double.isNaN(n)) {
                throw new InvalidInputException(node + ": Range delta is 0 or the bounds are not numbers");
            }
            y = ctx.allocate(type, (long) Math.max(0, n));
            for (int i = 0; i < y.numel(); i++) {
                y.setDouble(i, s + i * d);
            }
        } else {
            long s = start.getLong(0);
            long d = delta.getLong(0);
            if (d == 0) {
                throw new InvalidInputException(node + ": Range delta is 0");
            }
            long span = limit.getLong(0) - s;
            long n = span / d + (span % d != 0 && (span > 0) == (d > 0) ? 1 : 0);
            y = ctx.allocate(type, Math.max(0, n));
            for (int i = 0; i < y.numel(); i++) {
                y.setLong(i, s + i * d);
            }
        }
        return ShapeOps.one(y);
    }

    private static Tensor[] nonZero(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = ShapeOps.required(node, in, 0);
        long[] s = x.rank() == 0 ? new long[] {1} : x.shape();
        int n = x.numel();
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (x.getBoolean(i)) {
                count++;
            }
        }
        int r = s.length;
        Tensor y = ctx.allocate(DataType.INT64, r, count);
        int[] str = OpUtil.strides(s);
        for (int i = 0, p = 0; i < n; i++) {
            if (x.getBoolean(i)) {
                int rem = i;
                for (int a = 0; a < r; a++) {
                    y.setLong(a * count + p, rem / str[a]);
                    rem %= str[a];
                }
                p++;
            }
        }
        return ShapeOps.one(y);
    }

    private static Tensor[] trilu(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = ShapeOps.required(node, in, 0);
        if (x.rank() < 2) {
            throw new InvalidInputException(node + ": Trilu needs rank >= 2, got " + Arrays.toString(x.shape()));
        }
        Tensor kt = ShapeOps.input(node, in, 1);
        long k = kt == null ? 0 : kt.getLong(0);
        boolean upper = node.attrInt("upper", 1) != 0;
        int rows = (int) x.dim(-2);
        int cols = (int) x.dim(-1);
        int mats = rows * cols == 0 ? 0 : x.numel() / (rows * cols);
        Tensor y = ctx.allocate(x.dataType(), x.shape());
        LayoutMover mover = LayoutMover.of(x, y);
        for (int m = 0; m < mats; m++) {
            for (int i = 0; i < rows; i++) {
                // Keep column j when j - i >= k (upper) or j - i <= k (lower).
                long from = upper ? Math.max(0, Math.min(cols, i + k)) : 0;
                long to = upper ? cols : Math.max(0, Math.min(cols, i + k + 1));
                int off = (m * rows + i) * cols;
                if (to > from) {
                    mover.run(off + (int) from, 1, off + (int) from, 1, (int) (to - from));
                }
            }
        }
        return ShapeOps.one(y);
    }

    private static Tensor[] reverseSequence(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = ShapeOps.required(node, in, 0);
        long[] lens = OpUtil.longs(ShapeOps.required(node, in, 1));
        long[] s = x.shape();
        int batchAxis = OpUtil.axis(node.attrInt("batch_axis", 1), s.length, node);
        int timeAxis = OpUtil.axis(node.attrInt("time_axis", 0), s.length, node);
        if (batchAxis == timeAxis || lens.length != s[batchAxis]) {
            throw new InvalidInputException(node + ": bad batch/time axes or sequence_lens of length " + lens.length
                    + " for shape " + Arrays.toString(s));
        }
        Tensor out = ctx.allocate(x.dataType(), s);
        LayoutCopy.place(ctx, x, out, 0);
        long[] str = LayoutCopy.strides(s);
        long[] box = s.clone();
        box[batchAxis] = 1;
        box[timeAxis] = 1;
        for (int b = 0; b < lens.length; b++) {
            long len = Math.min(lens[b], s[timeAxis]);
            for (long t = 0; t < len; t++) {
                long base = b * str[batchAxis];
                LayoutCopy.copy(null, x, base + (len - 1 - t) * str[timeAxis], str, out, base + t * str[timeAxis], str, box);
            }
        }
        return ShapeOps.one(out);
    }
}
