package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.DeviceOp;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;
import dev.clinfer.opencl.KernelSources;
import dev.clinfer.ops.FusedElementwiseKernel;
import dev.clinfer.ops.FusedExpression;
import dev.clinfer.ops.FusedOps;
import dev.clinfer.ops.OpUtil;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * OpenCL launcher of {@code dev.clinfer.FusedElementwise}: the node's program compiled to OpenCL
 * C ({@link FusedElementwiseSource}), registered with {@link KernelSources#define} and built
 * through the program cache like any shipped source (one build per program text and number of
 * collapsed dims, cached on disk).
 */
final class FusedElementwiseLauncher {
    /** Most collapsed dims the generated kernel decodes (int8 geometry). */
    static final int MAX_DIMS = 8;

    /** The compiled program of each node, made once. */
    private static final Map<Node, Compiled> COMPILED = Collections.synchronizedMap(new WeakHashMap<>());

    private record Compiled(String file, float[] constants, int inputs) {
    }

    private FusedElementwiseLauncher() {
    }

    static void register(DeviceOps r) {
        r.register(FusedOps.DOMAIN, "FusedElementwise", new DeviceOp() {
            @Override
            public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static ctx) {
                for (int k = 0; k < inputs.size(); k++) {
                    if (!GemmLaunchers.floats(inputs, k) || !GemmLaunchers.rankIn(inputs.get(k), 0, MAX_DIMS)) {
                        return false;
                    }
                }
                try {
                    compiled(node);
                } catch (InvalidInputException e) {
                    return false;
                }
                return !inputs.isEmpty();
            }

            @Override
            public DeviceTensor[] enqueue(Node node, DeviceTensor[] in, DeviceOpContext ctx) {
                return new DeviceTensor[] {run(node, in, ctx)};
            }
        });
    }

    private static Compiled compiled(Node node) {
        Compiled c = COMPILED.get(node);
        if (c == null) {
            FusedExpression e = FusedExpression.of(node);
            FusedElementwiseSource s = FusedElementwiseSource.compile(e);
            c = new Compiled(KernelSources.define("fused_ew", s.source()), s.constants(), e.inputs());
            COMPILED.put(node, c);
        }
        return c;
    }

    private static DeviceTensor run(Node node, DeviceTensor[] in, DeviceOpContext ctx) {
        Compiled c = compiled(node);
        long[][] shapes = new long[in.length][];
        for (int k = 0; k < in.length; k++) {
            if (in[k] == null || in[k].type() != DataType.FLOAT) {
                throw new InvalidInputException(node + ": input " + k + " must be float32");
            }
            shapes[k] = in[k].shape();
        }
        long[] out = OpUtil.broadcastShape(node, shapes);
        DeviceTensor y = ctx.allocate(DataType.FLOAT, out);
        int total = GemmLaunchers.checkedInt(node, y.size());
        for (DeviceTensor t : in) {
            GemmLaunchers.checkedInt(node, t.size());
        }
        if (total == 0) {
            return y;
        }
        FusedElementwiseKernel.Layout lay = FusedElementwiseKernel.Layout.of(out, shapes);
        int ndim = lay.dims.length + 1;
        if (ndim > MAX_DIMS) {
            throw new InvalidInputException(node + ": output " + Arrays.toString(out) + " has more than " + MAX_DIMS
                    + " dims after collapsing");
        }
        // Geometry innermost first: lane 0 is the inner dim, lane j the j-th outer dim from the inside.
        int[] dims = new int[MAX_DIMS];
        Arrays.fill(dims, 1);
        dims[0] = lay.inner;
        for (int j = 1; j < ndim; j++) {
            dims[j] = lay.dims[lay.dims.length - j];
        }
        ClKernel k = ctx.kernel(c.file(), "-DNDIM=" + ndim, FusedElementwiseSource.KERNEL);
        k.arg(0, y.buffer()).arg(1, total).argInts(2, dims);
        int a = 3;
        for (int i = 0; i < in.length; i++) {
            int[] st = new int[MAX_DIMS];
            st[0] = lay.innerStride[i];
            for (int j = 1; j < ndim; j++) {
                st[j] = lay.strides[i][lay.dims.length - j];
            }
            k.arg(a++, in[i].buffer()).argInts(a++, st);
        }
        for (float v : c.constants()) {
            k.arg(a++, v);
        }
        ctx.launch(k, new long[] {total}, null);
        return y;
    }
}
