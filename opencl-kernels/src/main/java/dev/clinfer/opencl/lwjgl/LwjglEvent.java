package dev.clinfer.opencl.lwjgl;

import dev.clinfer.opencl.ClEvent;
import dev.clinfer.opencl.ClException;
import dev.clinfer.opencl.ClObjects;
import org.lwjgl.opencl.CL10;

import java.util.concurrent.atomic.AtomicBoolean;

/** An LWJGL cl_event; holds the host memory of its command until it completes. */
final class LwjglEvent implements ClEvent {
    final long event;
    private final String what;
    private volatile Object keepAlive;
    private final AtomicBoolean closed = new AtomicBoolean();

    LwjglEvent(long event, String what, Object keepAlive) {
        this.event = event;
        this.what = what;
        this.keepAlive = keepAlive;
        ClObjects.created(ClObjects.Kind.EVENT);
    }

    @Override
    public void await() {
        int rc = CL10.clWaitForEvents(event);
        int status = status();
        keepAlive = null;
        if (status < 0) {
            throw new ClException(what + " (event status)", status);
        }
        if (rc != CL10.CL_SUCCESS) {
            throw new ClException("clWaitForEvents(" + what + ")", rc);
        }
    }

    private int status() {
        int[] s = new int[1];
        CL10.clGetEventInfo(event, CL10.CL_EVENT_COMMAND_EXECUTION_STATUS, s, null);
        return s[0];
    }

    @Override
    public boolean isComplete() {
        int s = status();
        return s == CL10.CL_COMPLETE || s < 0;
    }

    @Override
    public long[] profile() {
        long[] q = new long[1];
        long[] s = new long[1];
        long[] e = new long[1];
        LwjglBinding.check(CL10.clGetEventProfilingInfo(event, CL10.CL_PROFILING_COMMAND_QUEUED, q, null), "profiling");
        LwjglBinding.check(CL10.clGetEventProfilingInfo(event, CL10.CL_PROFILING_COMMAND_START, s, null), "profiling");
        LwjglBinding.check(CL10.clGetEventProfilingInfo(event, CL10.CL_PROFILING_COMMAND_END, e, null), "profiling");
        return new long[] {q[0], s[0], e[0]};
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            CL10.clReleaseEvent(event);
            ClObjects.released(ClObjects.Kind.EVENT);
        }
    }
}
