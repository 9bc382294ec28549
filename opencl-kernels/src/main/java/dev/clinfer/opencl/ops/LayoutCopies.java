package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.DeviceOp;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;
import dev.clinfer.ops.OpUtil;

import java.util.Arrays;
import java.util.List;

/**
 * Transpose, Concat, Slice and Expand: each is one or more strided copies (copy_strided in
 * layout.cl), walking merged dims with a source and a destination stride per dim.
 */
final class LayoutCopies implements DeviceOp {
    @Override
    public List<ProgramRef> programs(Node node, DeviceOpContext.Static st) {
        return List.of(new ProgramRef(LayoutLaunchers.FILE, ""));
    }

    @Override
    public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static st) {
        switch (node.opType()) {
            case "Concat":
                for (int i = 0; i < node.inputs().size(); i++) {
                    if (!LayoutIndexing.isFloat(LayoutIndexing.info(inputs, i))) {
                        return false;
                    }
                }
                return node.hasAttr("axis") && !node.inputs().isEmpty();
            case "Slice":
                if (!LayoutIndexing.isFloat(LayoutIndexing.info(inputs, 0))) {
                    return false;
                }
                if (node.opset() < 10) {
                    return node.hasAttr("starts") && node.hasAttr("ends");
                }
                for (int i = 1; i <= 4; i++) {
                    if (!LayoutParams.hostInts(node, i, inputs, st)) {
                        return false;
                    }
                }
                return LayoutIndexing.present(node, 1) && LayoutIndexing.present(node, 2);
            case "Expand":
                return LayoutIndexing.isFloat(LayoutIndexing.info(inputs, 0)) && LayoutIndexing.present(node, 1)
                        && LayoutParams.hostInts(node, 1, inputs, st);
            default:
                return LayoutIndexing.isFloat(LayoutIndexing.info(inputs, 0));
        }
    }

    @Override
    public DeviceTensor[] enqueue(Node node, DeviceTensor[] inputs, DeviceOpContext ctx) {
        switch (node.opType()) {
            case "Transpose":
                return new DeviceTensor[] {transpose(node, inputs[0], ctx)};
            case "Concat":
                return new DeviceTensor[] {concat(node, inputs, ctx)};
            case "Slice":
                return new DeviceTensor[] {LayoutSlice.slice(node, inputs[0], ctx)};
            default:
                return new DeviceTensor[] {expand(node, inputs[0], ctx)};
        }
    }

    /**
     * Enqueues y[ybase + c.sy] = x[xbase + c.sx] for every coordinate c of {@code dims}.
     *
     * @param node  node (messages)
     * @param x     source
     * @param y     destination
     * @param dims  iteration dims
     * @param sx    source strides
     * @param xbase source offset
     * @param sy    destination strides
     * @param ybase destination offset
     * @param ctx   request
     */
    /** Floats per work-item of copy_rows (layout.cl). */
    private static final int ROW_CHUNK = 64;

    static void copy(Node node, DeviceTensor x, DeviceTensor y, long[] dims, int[] sx, int xbase, int[] sy, int ybase,
                     DeviceOpContext ctx) {
        int n = LayoutIndexing.count(node, dims);
        if (n == 0) {
            return;
        }
        LayoutIndexing.Walk w = LayoutIndexing.walk(dims, sx, sy).requireFits(node);
        int last = w.rank() - 1;
        int len = last < 0 ? 0 : (int) w.dims()[last];
        if (len >= 8 && w.strides()[0][last] == 1 && w.strides()[1][last] == 1) {
            // Contiguous rows (Concat along channels, Slice of whole rows): vector copies of
            // ROW_CHUNK floats per work-item instead of a div/mod walk per element.
            int chunks = (len + ROW_CHUNK - 1) / ROW_CHUNK;
            int items = LayoutIndexing.count(node, new long[] {n / len, chunks});
            ClKernel k = ctx.kernel(LayoutLaunchers.FILE, "", "copy_rows");
            k.arg(0, x.buffer()).arg(1, y.buffer()).arg(2, items).arg(3, chunks).arg(4, len).arg(5, xbase).arg(6, ybase);
            w.setArgs(k, 7);
            ctx.launch(k, LayoutIndexing.global(items), null);
            return;
        }
        ClKernel k = ctx.kernel(LayoutLaunchers.FILE, "", "copy_strided");
        k.arg(0, x.buffer()).arg(1, y.buffer()).arg(2, n).arg(3, xbase).arg(4, ybase);
        w.setArgs(k, 5);
        ctx.launch(k, LayoutIndexing.global(n), null);
    }

    private static DeviceTensor transpose(Node node, DeviceTensor x, DeviceOpContext ctx) {
        long[] s = x.shape();
        int r = s.length;
        long[] perm = node.attrInts("perm", null);
        if (perm == null) {
            perm = new long[r];
            for (int i = 0; i < r; i++) {
                perm[i] = r - 1 - i;
            }
        }
        if (perm.length != r) {
            throw new InvalidInputException(node + ": perm " + Arrays.toString(perm) + " does not fit rank " + r);
        }
        boolean[] seen = new boolean[r];
        long[] out = new long[r];
        int[] xs = LayoutIndexing.strides(s);
        int[] sx = new int[r];
        for (int i = 0; i < r; i++) {
            int p = LayoutParams.axis(perm[i], r, node);
            if (seen[p]) {
                throw new InvalidInputException(node + ": perm " + Arrays.toString(perm) + " repeats axis " + p);
            }
            seen[p] = true;
            out[i] = s[p];
            sx[i] = xs[p];
        }
        DeviceTensor y = ctx.allocate(DataType.FLOAT, out);
        copy(node, x, y, out, sx, 0, LayoutIndexing.strides(out), 0, ctx);
        return y;
    }

    private static DeviceTensor concat(Node node, DeviceTensor[] in, DeviceOpContext ctx) {
        long[] first = in[0].shape();
        int r = first.length;
        int axis = LayoutParams.axis(node.attrInt("axis", 0), r, node);
        long[] out = first.clone();
        out[axis] = 0;
        for (DeviceTensor t : in) {
            long[] s = t.shape();
            boolean ok = s.length == r;
            for (int d = 0; ok && d < r; d++) {
                ok = d == axis || s[d] == first[d];
            }
            if (!ok) {
                throw new InvalidInputException(node + ": cannot concatenate " + Arrays.toString(s) + " with "
                        + Arrays.toString(first) + " on axis " + axis);
            }
            out[axis] += s[axis];
        }
        DeviceTensor y = ctx.allocate(DataType.FLOAT, out);
        int[] ys = LayoutIndexing.strides(out);
        long offset = 0;
        for (DeviceTensor t : in) {
            long[] s = t.shape();
            copy(node, t, y, s, LayoutIndexing.strides(s), 0, ys, (int) (offset * ys[axis]), ctx);
            offset += s[axis];
        }
        return y;
    }

    private static DeviceTensor expand(Node node, DeviceTensor x, DeviceOpContext ctx) {
        long[] shape = LayoutParams.longs(node, 1, ctx, false);
        long[] s = x.shape();
        long[] out = OpUtil.broadcastShape(node, s, shape);
        DeviceTensor y = ctx.allocate(DataType.FLOAT, out);
        copy(node, x, y, out, LayoutIndexing.broadcastStrides(s, out), 0, LayoutIndexing.strides(out), 0, ctx);
        return y;
    }
}
