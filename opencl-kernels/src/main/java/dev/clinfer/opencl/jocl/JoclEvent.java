package dev.clinfer.opencl.jocl;

import dev.clinfer.opencl.ClEvent;
import dev.clinfer.opencl.ClException;
import dev.clinfer.opencl.ClObjects;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;

import java.util.concurrent.atomic.AtomicBoolean;

/** A JOCL cl_event; holds the host memory of its command until it completes. */
final class JoclEvent implements ClEvent {
    final cl_event event;
    private final String what;
    private volatile Object keepAlive;
    private final AtomicBoolean closed = new AtomicBoolean();

    JoclEvent(cl_event event, String what, Object keepAlive) {
        this.event = event;
        this.what = what;
        this.keepAlive = keepAlive;
        ClObjects.created(ClObjects.Kind.EVENT);
    }

    @Override
    public void await() {
        int rc = CL.clWaitForEvents(1, new cl_event[] {event});
        int status = status();
        keepAlive = null;
        if (status < 0) {
            throw new ClException(what + " (event status)", status);
        }
        if (rc != CL.CL_SUCCESS) {
            throw new ClException("clWaitForEvents(" + what + ")", rc);
        }
    }

    private int status() {
        int[] s = new int[1];
        CL.clGetEventInfo(event, CL.CL_EVENT_COMMAND_EXECUTION_STATUS, Sizeof.cl_int, Pointer.to(s), null);
        return s[0];
    }

    @Override
    public boolean isComplete() {
        int s = status();
        return s == CL.CL_COMPLETE || s < 0;
    }

    @Override
    public long[] profile() {
        long[] q = new long[1];
        long[] s = new long[1];
        long[] e = new long[1];
        JoclBinding.check(CL.clGetEventProfilingInfo(event, CL.CL_PROFILING_COMMAND_QUEUED, Sizeof.cl_ulong, Pointer.to(q), null), "profiling");
        JoclBinding.check(CL.clGetEventProfilingInfo(event, CL.CL_PROFILING_COMMAND_START, Sizeof.cl_ulong, Pointer.to(s), null), "profiling");
        JoclBinding.check(CL.clGetEventProfilingInfo(event, CL.CL_PROFILING_COMMAND_END, Sizeof.cl_ulong, Pointer.to(e), null), "profiling");
        return new long[] {q[0], s[0], e[0]};
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            CL.clReleaseEvent(event);
            ClObjects.released(ClObjects.Kind.EVENT);
        }
    }
}
