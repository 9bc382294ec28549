package dev.clinfer.tests.faults;

import dev.clinfer.opencl.ClBinding;
import dev.clinfer.opencl.ClBuffer;
import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ClDevice;
import dev.clinfer.opencl.ClEvent;
import dev.clinfer.opencl.ClException;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.ClProgram;
import dev.clinfer.opencl.ClQueue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ClBinding} wrapper that fails chosen OpenCL calls, the way a flaky driver or a lost device
 * would: buffer allocation ({@code CL_MEM_OBJECT_ALLOCATION_FAILURE}), program build
 * ({@code CL_BUILD_PROGRAM_FAILURE}), kernel enqueue ({@code CL_OUT_OF_RESOURCES}), or an event that
 * ends in error ({@code CL_DEVICE_NOT_AVAILABLE} from {@link ClEvent#await()}). Armed with a fault and a
 * count: the next {@code count} matching calls fail, then it passes everything through again. The real
 * objects are created by the wrapped binding, so its live-object counters still see every one.
 */
public final class FaultyBinding implements ClBinding {
    /** Which call fails. */
    public enum Fault { CREATE_BUFFER, BUILD_PROGRAM, LAUNCH, EVENT_ERROR }

    private static volatile Fault armed;
    private static final AtomicInteger LEFT = new AtomicInteger();
    private static final AtomicInteger INJECTED = new AtomicInteger();
    /** Bumped by arm/disarm: a queue poisoned by an event error stays so until the next arm or disarm. */
    private static final AtomicInteger GENERATION = new AtomicInteger();

    private final ClBinding real;

    /** @param real the binding to wrap */
    public FaultyBinding(ClBinding real) {
        this.real = real;
    }

    /**
     * @param f     the fault
     * @param count how many matching calls fail from now on
     */
    public static void arm(Fault f, int count) {
        LEFT.set(count);
        GENERATION.incrementAndGet();
        armed = f;
    }

    /** Stops failing calls. */
    public static void disarm() {
        armed = null;
        LEFT.set(0);
        GENERATION.incrementAndGet();
    }

    /** @return faults injected since the class loaded */
    public static int injected() {
        return INJECTED.get();
    }

    private static boolean fire(Fault f) {
        if (armed != f) {
            return false;
        }
        if (LEFT.getAndDecrement() > 0) {
            INJECTED.incrementAndGet();
            return true;
        }
        return false;
    }

    @Override
    public String name() {
        return real.name();
    }

    @Override
    public List<ClDevice> devices() {
        return real.devices();
    }

    @Override
    public ClContext createContext(ClDevice device) {
        return new Context(real.createContext(device));
    }

    private static final class Context implements ClContext {
        private final ClContext c;

        Context(ClContext c) {
            this.c = c;
        }

        @Override
        public ClDevice device() {
            return c.device();
        }

        @Override
        public ClQueue createQueue(boolean profiling) {
            return new Queue(c.createQueue(profiling));
        }

        @Override
        public ClBuffer createBuffer(long bytes) {
            if (fire(Fault.CREATE_BUFFER)) {
                throw new ClException("clCreateBuffer (injected)", -4);
            }
            return c.createBuffer(bytes);
        }

        @Override
        public ClProgram buildProgram(String source, String options) {
            if (fire(Fault.BUILD_PROGRAM)) {
                throw new ClException("clBuildProgram (injected)", -11);
            }
            return c.buildProgram(source, options);
        }

        @Override
        public ClProgram buildProgramFromBinary(byte[] binary, String options) {
            if (fire(Fault.BUILD_PROGRAM)) {
                throw new ClException("clBuildProgram from binary (injected)", -11);
            }
            return c.buildProgramFromBinary(binary, options);
        }

        @Override
        public void close() {
            c.close();
        }
    }

    /** An event whose command "failed": waiting on it throws, as a lost device's would. */
    private static final class FailedEvent implements ClEvent {
        final ClEvent real;

        FailedEvent(ClEvent real) {
            this.real = real;
        }

        @Override
        public void await() {
            real.await(); // let the real work finish, so that nothing runs after the failure is seen
            throw new ClException("clWaitForEvents (injected: event ended in error)", -2);
        }

        @Override
        public boolean isComplete() {
            return real.isComplete();
        }

        @Override
        public long[] profile() {
            return real.profile();
        }

        @Override
        public void close() {
            real.close();
        }
    }

    /**
     * After an injected event error, as on a real lost device, every later command of the queue fails
     * too: its event ends in error, and a blocking read or write throws
     * {@code CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST}.
     */
    private static final class Queue implements ClQueue {
        private final ClQueue q;
        private volatile int poisonedIn = -1;

        private boolean poisoned() {
            return poisonedIn == GENERATION.get();
        }

        private ClEvent after(ClEvent e, boolean blocking, String call) {
            if (!poisoned()) {
                return e;
            }
            if (blocking) {
                if (e != null) {
                    e.close();
                }
                throw new ClException(call + " (injected: a command it waits for failed)", -14);
            }
            return e == null ? null : new FailedEvent(e);
        }

        Queue(ClQueue q) {
            this.q = q;
        }

        private static List<ClEvent> unwrap(List<ClEvent> waits) {
            if (waits == null || waits.isEmpty()) {
                return waits;
            }
            List<ClEvent> out = new ArrayList<>(waits.size());
            for (ClEvent e : waits) {
                out.add(e instanceof FailedEvent ? ((FailedEvent) e).real : e);
            }
            return out;
        }

        @Override
        public ClEvent write(ClBuffer dst, long offset, ByteBuffer src, boolean blocking, List<ClEvent> waits) {
            return after(q.write(dst, offset, src, blocking, unwrap(waits)), blocking, "clEnqueueWriteBuffer");
        }

        @Override
        public ClEvent read(ClBuffer src, long offset, ByteBuffer dst, boolean blocking, List<ClEvent> waits) {
            return after(q.read(src, offset, dst, blocking, unwrap(waits)), blocking, "clEnqueueReadBuffer");
        }

        @Override
        public ClEvent copy(ClBuffer src, ClBuffer dst, long srcOffset, long dstOffset, long bytes, List<ClEvent> waits) {
            return after(q.copy(src, dst, srcOffset, dstOffset, bytes, unwrap(waits)), false, "clEnqueueCopyBuffer");
        }

        @Override
        public ClEvent launch(ClKernel kernel, long[] global, long[] local, List<ClEvent> waits) {
            if (fire(Fault.LAUNCH)) {
                throw new ClException("clEnqueueNDRangeKernel (injected)", -5);
            }
            ClEvent e = q.launch(kernel, global, local, unwrap(waits));
            if (fire(Fault.EVENT_ERROR)) {
                poisonedIn = GENERATION.get();
            }
            return after(e, false, "clEnqueueNDRangeKernel");
        }

        @Override
        public void flush() {
            q.flush();
        }

        @Override
        public void finish() {
            q.finish();
            if (poisoned()) {
                throw new ClException("clFinish (injected: a command of the queue failed)", -14);
            }
        }

        @Override
        public void close() {
            q.close();
        }
    }
}
