package dev.clinfer.opencl;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * An in-order command queue. Enqueue calls return an event; commands wait for the events in
 * their wait list. The host memory of a non-blocking read or write must stay reachable (and
 * unchanged, for writes) until its event completes; implementations keep a reference to it.
 * Not thread-safe for kernel arguments: callers serialise {@link ClKernel} use.
 */
public interface ClQueue extends AutoCloseable {
    /**
     * @param dst      device buffer
     * @param offset   byte offset in {@code dst}
     * @param src      direct host buffer; its remaining bytes are written
     * @param blocking wait for completion
     * @param waits    events to wait for (may be empty)
     * @return the write's event
     */
    ClEvent write(ClBuffer dst, long offset, ByteBuffer src, boolean blocking, List<ClEvent> waits);

    /**
     * @param src      device buffer
     * @param offset   byte offset in {@code src}
     * @param dst      direct host buffer; its remaining bytes are filled
     * @param blocking wait for completion
     * @param waits    events to wait for
     * @return the read's event
     */
    ClEvent read(ClBuffer src, long offset, ByteBuffer dst, boolean blocking, List<ClEvent> waits);

    /**
     * @param src   source buffer
     * @param dst   destination buffer
     * @param srcOffset byte offset in src
     * @param dstOffset byte offset in dst
     * @param bytes bytes to copy
     * @param waits events to wait for
     * @return the copy's event
     */
    ClEvent copy(ClBuffer src, ClBuffer dst, long srcOffset, long dstOffset, long bytes, List<ClEvent> waits);

    /**
     * @param kernel kernel with its arguments set
     * @param global global work size per dim
     * @param local  local work size per dim, or null to let the driver pick
     * @param waits  events to wait for
     * @return the launch's event
     */
    ClEvent launch(ClKernel kernel, long[] global, long[] local, List<ClEvent> waits);

    /** Submits queued commands without waiting. */
    void flush();

    /** Waits until every queued command has completed. */
    void finish();

    @Override
    void close();
}
