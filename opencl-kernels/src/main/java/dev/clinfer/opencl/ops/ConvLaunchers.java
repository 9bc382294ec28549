package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.DeviceOp;
import dev.clinfer.opencl.DeviceOp.ProgramRef;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;

import java.util.Arrays;
import java.util.List;

/**
 * OpenCL launchers: Conv and ConvTranspose, 1-D and 2-D, NCHW float32. A Conv runs as
 * {@link ConvPlan} says: on CPU devices the direct kernels of conv_direct.cl (depthwise on the
 * input in place), built per shape class; on GPUs 1x1 as a GEMM on the input, depthwise (conv.cl) or im2col + GEMM
 * (conv.cl, gemm.cl). A ConvTranspose runs conv_transpose.cl on CPU devices when kernel ==
 * stride, else conv.cl's gather. 3-D convolutions stay on the CPU lane.
 */
public final class ConvLaunchers {
    private static final String PROGRAM = "conv.cl";
    private static final String OPTIONS = "";
    /** Largest im2col buffer (floats) one launch may use; bigger batches run in image chunks. */
    static final long MAX_COL_FLOATS = 32L << 20;
    /** Fewest work-items the depthwise kernel is split into (enough for any CPU's cores). */
    private static final long DW_ITEMS = 64;
    /** Floats in conv_depthwise_tile's local tile (its DW_TILE default). */
    static final int DW_TILE = 4096;
    /** The tile floats dwTile may plan for (tests lower it: smaller bands, or the in-place kernel). */
    static volatile int dwTileFloats = DW_TILE;
    /** The chunk limit in use (tests lower it). */
    static volatile long maxColFloats = MAX_COL_FLOATS;

    private ConvLaunchers() {
    }

    /** @param r the registry to fill */
    public static void register(DeviceOps r) {
        r.register("Conv", new DeviceOp() {
            @Override
            public List<ProgramRef> programs(Node node, DeviceOpContext.Static st) {
                return ConvLaunchers.programs(node, st, "");
            }

            @Override
            public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static ctx) {
                return supported(inputs);
            }

            @Override
            public DeviceTensor[] enqueue(Node node, DeviceTensor[] in, DeviceOpContext ctx) {
                return new DeviceTensor[] {conv(node, in[0], in[1], bias(in), ctx)};
            }
        });
        r.register("ConvTranspose", new DeviceOp() {
            @Override
            public List<ProgramRef> programs(Node node, DeviceOpContext.Static st) {
                return transposePrograms(node, st);
            }

            @Override
            public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static ctx) {
                return supported(inputs);
            }

            @Override
            public DeviceTensor[] enqueue(Node node, DeviceTensor[] in, DeviceOpContext ctx) {
                return new DeviceTensor[] {convTranspose(node, in[0], in[1], bias(in), ctx)};
            }
        });
    }

    /**
     * The programs a Conv (or FusedConv) node will use, so the session builds them when it is
     * created: the plan is made from the weights' shape, which is a constant in exported models
     * (the input's spatial size does not change the plan). Without constant weights, both the
     * im2col and the GEMM programs (the direct one is then built on first use).
     *
     * @param node a Conv or FusedConv node
     * @param st   static facts
     * @param act  activation build options, "" for none
     * @return (source, options) pairs
     */
    public static List<DeviceOp.ProgramRef> programs(Node node, DeviceOpContext.Static st, String act) {
        ProgramRef gemm = new ProgramRef(GemmCall.PROGRAM, GemmCall.options(st.device()) + act);
        ProgramRef im2col = new ProgramRef(PROGRAM, OPTIONS + act);
        Tensor w = node.inputs().size() > 1 ? st.constant(node.inputs().get(1)) : null;
        if (w == null || w.shape().length < 3 || w.shape().length > 4) {
            return List.of(im2col, gemm);
        }
        long[] ws = w.shape();
        long[] xs = ws.clone();
        xs[0] = 1;
        xs[1] = ws[1] * node.attrInt("group", 1);
        // Any spatial size does (the plan depends on the kernel, strides, pads and channels).
        for (int d = 2; d < xs.length; d++) {
            xs[d] = 1024;
        }
        ConvPlan plan;
        try {
            plan = ConvPlan.of(ConvShape.forConv(node, xs, ws), st.device(), act);
        } catch (RuntimeException e) {
            return List.of(im2col, gemm);
        }
        switch (plan.kind) {
            case DIRECT:
            case DEPTHWISE:
                return List.of(new ProgramRef(ConvPlan.DIRECT_PROGRAM, plan.options));
            case POINTWISE:
                return List.of(gemm);
            default:
                return List.of(im2col, gemm);
        }
    }

    /** The program a ConvTranspose will use (its plan made from constant weights, as for Conv). */
    private static List<DeviceOp.ProgramRef> transposePrograms(Node node, DeviceOpContext.Static st) {
        ProgramRef gather = new ProgramRef(PROGRAM, OPTIONS);
        Tensor w = node.inputs().size() > 1 ? st.constant(node.inputs().get(1)) : null;
        if (w == null || w.shape().length < 3 || w.shape().length > 4) {
            return List.of(gather);
        }
        long[] ws = w.shape();
        long[] xs = ws.clone();
        xs[0] = 1;
        for (int d = 2; d < xs.length; d++) {
            xs[d] = 1024;
        }
        try {
            ConvPlan plan = ConvPlan.forTranspose(ConvShape.forTranspose(node, xs, ws), st.device());
            return List.of(plan != null ? new ProgramRef(ConvPlan.TRANSPOSE_PROGRAM, plan.options) : gather);
        } catch (RuntimeException e) {
            return List.of(gather);
        }
    }

    /** @return true when the Conv launcher runs a node with these inputs */
    static boolean supported(List<ValueInfo> inputs) {
        boolean bias = inputs.size() > 2 && inputs.get(2) != null;
        return GemmLaunchers.floats(inputs, 0, 1) && (!bias || GemmLaunchers.floats(inputs, 2))
                && GemmLaunchers.rankIn(inputs.get(0), 3, 4) && GemmLaunchers.rankIn(inputs.get(1), 3, 4);
    }

    private static DeviceTensor bias(DeviceTensor[] in) {
        return in.length > 2 ? in[2] : null;
    }

    private static void checkBias(Node node, DeviceTensor b, int m) {
        if (b != null && b.size() != m) {
            throw new InvalidInputException(node + ": bias B has shape " + Arrays.toString(b.shape()) + ", want [" + m + "]");
        }
    }

    private static DeviceTensor conv(Node node, DeviceTensor x, DeviceTensor w, DeviceTensor b, DeviceOpContext ctx) {
        return conv(node, x, w, b, ctx, "");
    }

    /**
     * A Conv, with an optional activation epilogue (for the fused node of the graph optimiser).
     *
     * @param act build options of the activation ({@code FusedActivation.clOptions()}), "" for none
     */
    static DeviceTensor conv(Node node, DeviceTensor x, DeviceTensor w, DeviceTensor b, DeviceOpContext ctx,
                             String act) {
        ConvShape s = ConvShape.forConv(node, x.shape(), w.shape());
        checkBias(node, b, s.m);
        DeviceTensor y = ctx.allocate(DataType.FLOAT, s.outShape);
        int total = GemmLaunchers.checkedInt(node, y.size());
        GemmLaunchers.checkedInt(node, x.size());
        if (total == 0) {
            return y;
        }
        int cg = s.c / s.group;
        int mg = s.m / s.group;
        int ohw = s.oh * s.ow;
        ConvPlan plan = ConvPlan.of(s, ctx.device(), act);
        if (plan.kind == ConvPlan.Kind.DIRECT) {
            direct(node, s, plan, x, w, b, y, ctx);
            return y;
        }
        if (plan.kind == ConvPlan.Kind.DEPTHWISE) {
            int[] tile = dwTile(s, plan.vw);
            if (tile != null) {
                ClKernel k = ctx.kernel(ConvPlan.DIRECT_PROGRAM, plan.options, "conv_depthwise_tile");
                k.arg(0, x.buffer()).arg(1, w.buffer()).arg(2, b != null ? b.buffer() : w.buffer())
                        .arg(3, b != null ? 1 : 0).arg(4, y.buffer()).arg(5, tile[0]).arg(6, tile[1])
                        .argInts(7, s.packed(s.n));
                ctx.launch(k, new long[] {(s.oh + tile[1] - 1) / tile[1], s.m, s.n}, new long[] {1, 1, 1});
                return y;
            }
            // Local size 1, as for the direct kernel; whole output planes per work-item while
            // that leaves DW_ITEMS work-items or more, else fewer rows each.
            long planes = (long) s.m * s.n;
            int rows = (int) Math.max(1, Math.min(s.oh, planes * s.oh / DW_ITEMS));
            ClKernel k = ctx.kernel(ConvPlan.DIRECT_PROGRAM, plan.options, "conv_depthwise_direct");
            k.arg(0, x.buffer()).arg(1, w.buffer()).arg(2, b != null ? b.buffer() : w.buffer()).arg(3, b != null ? 1 : 0)
                    .arg(4, y.buffer()).arg(5, rows).argInts(6, s.packed(s.n));
            ctx.launch(k, new long[] {(s.oh + rows - 1) / rows, s.m, s.n}, new long[] {1, 1, 1});
            return y;
        }
        if (s.group == s.c && cg == 1 && s.group > 1) {
            ClKernel k = ctx.kernel(PROGRAM, OPTIONS + act, "conv_depthwise");
            k.arg(0, x.buffer()).arg(1, w.buffer()).arg(2, b != null ? b.buffer() : w.buffer()).arg(3, b != null ? 1 : 0)
                    .arg(4, y.buffer()).arg(5, total).argInts(6, s.packed(s.n));
            ctx.launch(k, new long[] {total}, null);
            return y;
        }
        int kk = s.kh * s.kw;
        GemmCall g = new GemmCall();
        g.epilogue = act;
        g.m = mg;
        g.n = ohw;
        g.k = cg * kk;
        g.sAm = cg * kk;
        g.sAk = 1;
        g.sBk = ohw;
        g.sBn = 1;
        g.a = w.buffer();
        g.y = y.buffer();
        if (b != null) {
            g.c = b.buffer();
            g.beta = 1f;
            g.sCm = 1;
            g.sCn = 0;
        }
        if (plan.kind == ConvPlan.Kind.POINTWISE) {
            // Y[n, g] (mg x HW) = W[g] (mg x cg) * X[n, g] (cg x HW): the input is the B operand as is.
            g.b = x.buffer();
            g.batch(new int[] {s.n, s.group}, new int[] {0, mg * cg}, new int[] {s.c * ohw, cg * ohw},
                    new int[] {0, mg});
            g.enqueue(ctx);
            return y;
        }
        long perImage = (long) s.c * kk * ohw;
        int chunk = (int) Math.max(1, Math.min(s.n, maxColFloats / Math.max(1, perImage)));
        DeviceTensor col = ctx.allocate(DataType.FLOAT, new long[] {chunk, perImage});
        GemmLaunchers.checkedInt(node, col.size());
        int inImage = s.c * s.h * s.w;
        for (int n0 = 0; n0 < s.n; n0 += chunk) {
            int images = Math.min(chunk, s.n - n0);
            int colTotal = (int) (images * perImage);
            ClKernel k = ctx.kernel(PROGRAM, OPTIONS, "im2col");
            k.arg(0, x.buffer()).arg(1, n0 * inImage).arg(2, col.buffer()).arg(3, colTotal)
                    .argInts(4, s.packed(images));
            ctx.launch(k, new long[] {colTotal}, null);
            // Y[n, g] (mg x OHW) = W[g] (mg x cg*KK) * col[n, g] (cg*KK x OHW)
            g.b = col.buffer();
            g.yOff = n0 * s.m * ohw;
            g.batch(new int[] {images, s.group}, new int[] {0, mg * cg * kk}, new int[] {(int) perImage, cg * kk * ohw},
                    new int[] {0, mg});
            g.enqueue(ctx);
        }
        return y;
    }

    /**
     * The local tile of conv_depthwise_tile for this depthwise Conv: {pitch, output rows per
     * band}, or null when not even one band row fits DW_TILE floats (then the in-place kernel
     * runs). The pitch covers the columns every VW-pixel block loads (the last block's lanes
     * past the row included, at stride 2 a double-width load). Bands are as tall as fit, but
     * split further while there are fewer than DW_ITEMS work-items (so every core gets work).
     */
    static int[] dwTile(ConvShape s, int vw) {
        long blocks = (s.ow + vw - 1) / vw;
        long pitch = blocks * vw * s.sw + (long) (s.kw - 1) * s.dw + (s.sw == 2 ? vw : 0);
        long tileRows = dwTileFloats / pitch;
        long rows = (tileRows - (long) (s.kh - 1) * s.dh - 1) / s.sh + 1;
        if (tileRows < (long) (s.kh - 1) * s.dh + 1 || rows < 1) {
            return null;
        }
        rows = Math.min(rows, s.oh);
        long planes = (long) s.m * s.n;
        rows = Math.max(1, Math.min(rows, planes * s.oh / DW_ITEMS));
        return new int[] {(int) pitch, (int) rows};
    }

    /**
     * The direct kernel: the input copied into a zero-padded scratch, then conv_direct.cl.
     * Lanes past a row's end read on into the next row and, at the very end, into a tail slack.
     */
    private static void direct(Node node, ConvShape s, ConvPlan plan, DeviceTensor x, DeviceTensor w, DeviceTensor b,
                               DeviceTensor y, DeviceOpContext ctx) {
        int hp = s.h + s.padTop + s.padBottom;
        int wp = s.w + s.padLeft + s.padRight;
        int planes = GemmLaunchers.checkedInt(node, (long) s.n * s.c);
        DeviceTensor xp = x;
        int xLen = GemmLaunchers.checkedInt(node, x.size());
        if (hp != s.h || wp != s.w) {
            // Whole zero planes after the last one hold the reads past the end (2 * VW * SW + KW * DW),
            // so no block takes the kernel's guarded path.
            long slack = 2L * plan.vw * s.sw + (long) s.kw * s.dw;
            long plane = (long) hp * wp;
            int tail = (int) ((slack + plane - 1) / plane);
            xp = ctx.allocate(DataType.FLOAT, new long[] {GemmLaunchers.checkedInt(node, (planes + tail) * plane)});
            xLen = Integer.MAX_VALUE;
            ClKernel pad = ctx.kernel(ConvPlan.DIRECT_PROGRAM, plan.options, "conv_pad");
            pad.arg(0, x.buffer()).arg(1, xp.buffer()).argInts(2, new int[] {s.h, s.w, s.padTop, s.padLeft, planes, 0, 0, 0});
            ctx.launch(pad, new long[] {wp, hp, planes + tail}, null);
        }
        ClKernel k = ctx.kernel(ConvPlan.DIRECT_PROGRAM, plan.options, "conv_direct");
        k.arg(0, xp.buffer()).arg(1, w.buffer()).arg(2, b != null ? b.buffer() : w.buffer()).arg(3, b != null ? 1 : 0)
                .arg(4, y.buffer()).argInts(5, new int[] {s.c, hp, wp, s.oh, s.ow, s.m, s.group, xLen});
        int mg = s.m / s.group;
        // Local size 1: one build per shape class (PoCL compiles per local size), no vectorising
        // across work-items (which turned the row loads into gathers), and every work-group is
        // a whole output row, so both PoCL threads get work.
        ctx.launch(k, new long[] {s.oh, (mg + plan.rm - 1) / plan.rm, (long) s.n * s.group}, new long[] {1, 1, 1});
    }

    private static DeviceTensor convTranspose(Node node, DeviceTensor x, DeviceTensor w, DeviceTensor b,
                                              DeviceOpContext ctx) {
        ConvShape s = ConvShape.forTranspose(node, x.shape(), w.shape());
        checkBias(node, b, s.m);
        DeviceTensor y = ctx.allocate(DataType.FLOAT, s.outShape);
        int total = GemmLaunchers.checkedInt(node, y.size());
        GemmLaunchers.checkedInt(node, x.size());
        if (total == 0) {
            return y;
        }
        ConvPlan plan = ConvPlan.forTranspose(s, ctx.device());
        if (plan != null) {
            ClKernel k = ctx.kernel(ConvPlan.TRANSPOSE_PROGRAM, plan.options, "conv_transpose_tap");
            k.arg(0, x.buffer()).arg(1, w.buffer()).arg(2, b != null ? b.buffer() : w.buffer()).arg(3, b != null ? 1 : 0)
                    .arg(4, y.buffer()).argInts(5, s.packed(s.n));
            int mg = s.m / s.group;
            ctx.launch(k, new long[] {s.oh, (mg + plan.rm - 1) / plan.rm, (long) s.n * s.group}, new long[] {1, 1, 1});
            return y;
        }
        ClKernel k = ctx.kernel(PROGRAM, OPTIONS, "conv_transpose");
        k.arg(0, x.buffer()).arg(1, w.buffer()).arg(2, b != null ? b.buffer() : w.buffer()).arg(3, b != null ? 1 : 0)
                .arg(4, y.buffer()).arg(5, total).argInts(6, s.packed(s.n));
        ctx.launch(k, new long[] {total}, null);
        return y;
    }
}
