package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

import java.nio.ByteBuffer;

/** Java CPU kernels: Where (three-way broadcast select) and Clip. */
public final class ElementwiseSelectOps {
    private ElementwiseSelectOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        r.register("Where", ElementwiseSelectOps::where);
        r.register("Clip", ElementwiseSelectOps::clip);
    }

    private static Tensor[] where(Node node, Tensor[] in, ExecContext ctx) {
        ElementwiseOps.requireInputs(node, in, 3);
        Tensor c = in[0];
        Tensor x = in[1];
        Tensor y = in[2];
        if (c.dataType() != DataType.BOOL) {
            throw new InvalidInputException(node + ": condition must be bool, got " + c.dataType());
        }
        ElementwiseKernels.sameType(node, x, y);
        ElementwiseBroadcast plan = ElementwiseBroadcast.of(node, c.shape(), x.shape(), y.shape());
        int n = plan.size();
        int sc = plan.innerStride(0);
        int sx = plan.innerStride(1);
        int sy = plan.innerStride(2);
        byte[] cond = new byte[c.numel()];
        c.buffer().get(cond);
        if (x.dataType() == DataType.STRING) {
            String[] xs = x.strings();
            String[] ys = y.strings();
            String[] z = new String[n];
            plan.forRange(0, n, (o, offs, len) -> {
                for (int i = 0; i < len; i++) {
                    z[o + i] = cond[offs[0] + i * sc] != 0 ? xs[offs[1] + i * sx] : ys[offs[2] + i * sy];
                }
            });
            return new Tensor[] {Tensor.ofStrings(z, plan.shape())};
        }
        // Select raw element bits, so one loop serves every numeric type.
        long[] xb = bits(x);
        long[] yb = bits(y);
        long[] z = new long[n];
        ctx.parallelFor(n, 1, (s, e) -> plan.forRange(s, e, (o, offs, len) -> {
            int ic = offs[0];
            int ix = offs[1];
            int iy = offs[2];
            for (int i = 0; i < len; i++, ic += sc, ix += sx, iy += sy) {
                z[o + i] = cond[ic] != 0 ? xb[ix] : yb[iy];
            }
        }));
        Tensor out = ctx.allocate(x.dataType(), plan.shape());
        putBits(out, z);
        return new Tensor[] {out};
    }

    /** @param t a numeric tensor @return each element's bits, zero-extended into a long */
    static long[] bits(Tensor t) {
        long[] v = new long[t.numel()];
        ByteBuffer b = t.buffer();
        switch (t.dataType().byteSize()) {
            case 8:
                b.asLongBuffer().get(v);
                break;
            case 4: {
                int[] a = new int[v.length];
                b.asIntBuffer().get(a);
                for (int i = 0; i < a.length; i++) {
                    v[i] = a[i];
                }
                break;
            }
            case 2: {
                short[] a = new short[v.length];
                b.asShortBuffer().get(a);
                for (int i = 0; i < a.length; i++) {
                    v[i] = a[i];
                }
                break;
            }
            default: {
                byte[] a = new byte[v.length];
                b.get(a);
                for (int i = 0; i < a.length; i++) {
                    v[i] = a[i];
                }
            }
        }
        return v;
    }

    /** @param t destination @param v element bits, truncated to the element width */
    static void putBits(Tensor t, long[] v) {
        ByteBuffer b = t.buffer();
        switch (t.dataType().byteSize()) {
            case 8:
                b.asLongBuffer().put(v);
                break;
            case 4: {
                int[] a = new int[v.length];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (int) v[i];
                }
                b.asIntBuffer().put(a);
                break;
            }
            case 2: {
                short[] a = new short[v.length];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (short) v[i];
                }
                b.asShortBuffer().put(a);
                break;
            }
            default: {
                byte[] a = new byte[v.length];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (byte) v[i];
                }
                b.put(a);
            }
        }
    }

    private static Tensor[] clip(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = in[0];
        DataType t = x.dataType();
        if (node.opset() < 11) {
            float lo = node.attrFloat("min", Float.NEGATIVE_INFINITY);
            float hi = node.attrFloat("max", Float.POSITIVE_INFINITY);
            return new Tensor[] {ElementwiseKernels.unary(node, x, null, (s, d, n) -> ElementwiseFast.clip(s, d, n, lo, hi),
                    v -> Math.min(Math.max(v, lo), hi), null, 1, ctx)};
        }
        Tensor minT = in.length > 1 ? in[1] : null;
        Tensor maxT = in.length > 2 ? in[2] : null;
        for (Tensor b : new Tensor[] {minT, maxT}) {
            if (b != null && b.numel() != 1) {
                throw new InvalidInputException(node + ": min and max must be scalars, got " + b);
            }
        }
        ElementwiseKernels.sameType(node, x, minT, maxT);
        if (t.isFloatingPoint()) {
            double lo = minT == null ? Double.NEGATIVE_INFINITY : minT.getDouble(0);
            double hi = maxT == null ? Double.POSITIVE_INFINITY : maxT.getDouble(0);
            // float32: bounds of a float32 tensor are floats, so clamping in float is exact.
            float flo = (float) lo;
            float fhi = (float) hi;
            return new Tensor[] {ElementwiseKernels.unary(node, x, null, (s, d, n) -> ElementwiseFast.clip(s, d, n, flo, fhi),
                    v -> Math.min(Math.max(v, lo), hi), null, 1, ctx)};
        }
        boolean u64 = t == DataType.UINT64;
        long lo = minT == null ? (u64 ? 0 : Long.MIN_VALUE) : minT.getLong(0);
        long hi = maxT == null ? (u64 ? -1L : Long.MAX_VALUE) : maxT.getLong(0);
        if (u64) {
            return new Tensor[] {ElementwiseKernels.unary(node, x, null, null, v -> {
                long m = Long.compareUnsigned(v, lo) < 0 ? lo : v;
                return Long.compareUnsigned(m, hi) > 0 ? hi : m;
            }, 1, ctx)};
        }
        return new Tensor[] {ElementwiseKernels.unary(node, x, null, null, v -> Math.min(Math.max(v, lo), hi), 1, ctx)};
    }
}
