package dev.clinfer.scheduler;

import dev.clinfer.opencl.ClBinding;
import dev.clinfer.opencl.ClBuffer;
import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ClEvent;
import dev.clinfer.opencl.ProgramCache;
import dev.clinfer.opencl.ops.GemmLaunchers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * One OpenCL device opened for a session: its context, program cache, transfer threads, and the
 * offset from its profiling clock to the host clock (for traces).
 */
final class DeviceRuntime implements AutoCloseable {
    final ClBinding binding;
    final ClContext context;
    final ProgramCache programs;
    final TransferEngine transfers;
    final String lane;
    final String why;
    final long clockOffset;

    DeviceRuntime(ClBinding binding, ClContext context, int stagingSets, String why) {
        this.binding = binding;
        this.context = context;
        this.why = why;
        this.lane = "opencl " + context.device().id();
        this.programs = new ProgramCache(context);
        // before the plan asks for gemm.cl's options; tuning borrows no other session's context
        GemmLaunchers.tune(programs);
        this.transfers = new TransferEngine(context, stagingSets, context.device().id());
        this.clockOffset = calibrate();
    }

    /** Host time minus device time, from one tiny blocking write timed on both clocks. */
    private long calibrate() {
        ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
        try (ClBuffer buf = context.createBuffer(4)) {
            long best = Long.MAX_VALUE;
            long offset = 0;
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                try (ClEvent e = transfers.upQueue.write(buf, 0, b.clear(), true, List.of())) {
                    long t1 = System.nanoTime();
                    long[] p = e.profile();
                    if (t1 - t0 < best) {
                        best = t1 - t0;
                        offset = (t0 + t1) / 2 - (p[1] + p[2]) / 2;
                    }
                }
            }
            return offset;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    String description() {
        return "opencl " + context.device() + " via " + binding.name() + " (" + why + ")";
    }

    @Override
    public void close() {
        transfers.close();
        programs.close();
        context.close();
    }
}
