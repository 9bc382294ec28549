package dev.clinfer.scheduler;

import dev.clinfer.opencl.ClEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenCL event with what it stands for (a kernel of a node, an upload, a download), the queue
 * it ran on, and a reference count: the request that created it holds one reference until it
 * ends, a staging set holds another until it may reuse its memory. The native event is released
 * with the last reference.
 */
final class Ev {
    /** Queue tag of the upload queue. */
    static final int UPLOAD = -1;
    /** Queue tag of the download queue. */
    static final int DOWNLOAD = -2;

    final ClEvent event;
    final int queue;
    final int node;
    final long bytes;
    private final AtomicInteger refs = new AtomicInteger(1);

    /**
     * @param event the native event (owned from now on)
     * @param queue compute queue index, or {@link #UPLOAD}/{@link #DOWNLOAD}
     * @param node  node index for kernels, -1 for transfers
     * @param bytes bytes moved by a transfer
     */
    Ev(ClEvent event, int queue, int node, long bytes) {
        this.event = event;
        this.queue = queue;
        this.node = node;
        this.bytes = bytes;
    }

    Ev retain() {
        refs.incrementAndGet();
        return this;
    }

    void release() {
        if (refs.decrementAndGet() == 0) {
            event.close();
        }
    }

    boolean isTransfer() {
        return queue < 0;
    }

    /** @param evs events @return their native events, for a wait list */
    static List<ClEvent> natives(List<Ev> evs) {
        if (evs.isEmpty()) {
            return List.of();
        }
        List<ClEvent> l = new ArrayList<>(evs.size());
        for (Ev e : evs) {
            l.add(e.event);
        }
        return l;
    }
}
