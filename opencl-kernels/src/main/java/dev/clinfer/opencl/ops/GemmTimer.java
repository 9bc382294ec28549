package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;
import dev.clinfer.opencl.ClBuffer;
import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ClDevice;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.ClProgram;
import dev.clinfer.opencl.ClQueue;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;
import dev.clinfer.opencl.ProgramCache;
import dev.clinfer.opencl.tune.GemmConfig;
import dev.clinfer.opencl.tune.GemmProbe;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The auto-tuner's timer: runs {@link GemmCall} with a given variant on a private queue of the
 * program cache's context, on zero-filled operands (no denormals to skew the timing). Trial
 * programs are built outside the program cache and freed on {@link #close}.
 */
final class GemmTimer implements GemmProbe {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(GemmTimer.class.getName());
    /** Timed runs after the warm-up. */
    private static final int RUNS = 3;

    /** Trial builds of this tuning run, by file and options. */
    private final Map<String, ClProgram> built = new HashMap<>();

    @Override
    public void close() {
        built.values().forEach(ClProgram::close);
        built.clear();
    }

    @Override
    public double seconds(ProgramCache programs, GemmConfig config, int m, int k, int n) {
        ClContext context = programs.context();
        List<ClBuffer> owned = new ArrayList<>();
        Map<String, ClKernel> kernels = new HashMap<>();
        int[] next = {0};
        try (ClQueue queue = context.createQueue(false)) {
            DeviceOpContext ctx = new DeviceOpContext() {
                @Override
                public ClDevice device() {
                    return context.device();
                }

                /** Runs reuse the buffers of the first, as the session's pool would. */
                @Override
                public DeviceTensor allocate(DataType type, long[] shape) {
                    if (next[0] < owned.size()) {
                        return new DeviceTensor(owned.get(next[0]++), type, shape);
                    }
                    long bytes = Math.max(4, Tensor.elementCount(shape) * type.byteSize());
                    ClBuffer b = context.createBuffer(bytes);
                    owned.add(b);
                    next[0]++;
                    queue.write(b, 0, ByteBuffer.allocateDirect((int) bytes), true, List.of()).close();
                    return new DeviceTensor(b, type, shape);
                }

                @Override
                public ClKernel kernel(String program, String options, String name) {
                    return kernels.computeIfAbsent(program + "|" + options + "|" + name,
                            x -> built.computeIfAbsent(program + "|" + options,
                                    y -> programs.buildUncached(program, options)).kernel(name));
                }

                @Override
                public void launch(ClKernel kernel, long[] global, long[] local) {
                    queue.launch(kernel, global, local, List.of()).close();
                }

                @Override
                public Tensor hostInput(Node node, int index) {
                    throw new UnsupportedOperationException();
                }
            };
            GemmCall g = new GemmCall();
            g.config = config;
            g.m = m;
            g.n = n;
            g.k = k;
            g.sAm = k;
            g.sAk = 1;
            g.sBk = n;
            g.sBn = 1;
            g.a = ctx.allocate(DataType.FLOAT, new long[] {m, k}).buffer();
            g.b = ctx.allocate(DataType.FLOAT, new long[] {k, n}).buffer();
            g.y = ctx.allocate(DataType.FLOAT, new long[] {m, n}).buffer();
            int operands = next[0];
            long w0 = System.nanoTime();
            next[0] = operands;
            g.enqueue(ctx);
            queue.finish();
            double warm = (System.nanoTime() - w0) / 1e9;
            double best = Double.MAX_VALUE;
            for (int r = 0; r < RUNS; r++) {
                next[0] = operands;
                long t0 = System.nanoTime();
                g.enqueue(ctx);
                queue.finish();
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            double b = best;
            LOG.fine(() -> String.format("GEMM %s %dx%dx%d: first run %.3f s, best %.3f ms", config.encode(), m, k, n,
                    warm, b * 1e3));
            return best;
        } finally {
            kernels.values().forEach(ClKernel::close);
            owned.forEach(ClBuffer::close);
        }
    }
}
