package dev.clinfer.scheduler;

import dev.clinfer.api.DeviceException;
import dev.clinfer.api.Tensor;
import dev.clinfer.opencl.ClBuffer;
import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ClQueue;
import dev.clinfer.opencl.DeviceTensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The transfer threads of one device. Uploads and downloads have their own in-order queues, so
 * they run beside the compute queues: while request N computes, request N+1 uploads and request
 * N-1 downloads.
 *
 * <ul>
 *   <li><b>Upload thread</b>: copies the host tensor into the next of {@code sets} rotating staging
 *   buffers (direct, page-aligned host memory that the driver can copy from without another
 *   bounce), enqueues a non-blocking write, and hands the write's event back. A staging set is
 *   reused only after its previous write completed.</li>
 *   <li><b>Download thread</b>: takes a free staging set, enqueues a non-blocking read that waits
 *   for the producer's events, and passes it to the <b>completion thread</b>, which waits for the
 *   read, copies the staging bytes into a fresh output tensor, frees the set and completes the
 *   future.</li>
 * </ul>
 * Continuations of the returned futures must run asynchronously (they complete on these threads).
 */
final class TransferEngine implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TransferEngine.class.getName());
    private static final Runnable STOP = () -> { };
    private static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0);

    final ClQueue upQueue;
    final ClQueue downQueue;
    private final Staging[] upSets;
    private int upNext;
    private final BlockingQueue<Staging> downFree;
    private final BlockingQueue<Runnable> upJobs = new LinkedBlockingQueue<>();
    private final BlockingQueue<Runnable> downJobs = new LinkedBlockingQueue<>();
    private final BlockingQueue<Runnable> completions = new LinkedBlockingQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final Thread upThread;
    private final Thread downThread;
    private final Thread completeThread;

    /** One staging buffer, grown to the largest transfer it has served. */
    private static final class Staging {
        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.nativeOrder());
        Ev pending;

        ByteBuffer ensure(long bytes) {
            if (bytes > Integer.MAX_VALUE - 8) {
                throw new DeviceException("transfer of " + bytes + " bytes is over the 2 GiB staging limit");
            }
            if (buf.capacity() < bytes) {
                int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(bytes, (long) buf.capacity() * 2));
                buf = ByteBuffer.allocateDirect(cap).order(ByteOrder.nativeOrder());
            }
            return buf.clear().limit((int) bytes);
        }
    }

    /** A download: {@code enqueued} completes with the read's event, {@code data} with the tensor. */
    record Download(CompletableFuture<Ev> enqueued, CompletableFuture<Tensor> data) {
    }

    TransferEngine(ClContext context, int sets, String name) {
        this.upQueue = context.createQueue(true);
        this.downQueue = context.createQueue(true);
        this.upSets = new Staging[sets];
        this.downFree = new ArrayBlockingQueue<>(sets);
        for (int i = 0; i < sets; i++) {
            upSets[i] = new Staging();
            downFree.add(new Staging());
        }
        this.upThread = start(upJobs, "clinfer-upload-" + name);
        this.downThread = start(downJobs, "clinfer-download-" + name);
        this.completeThread = start(completions, "clinfer-download-complete-" + name);
    }

    private static Thread start(BlockingQueue<Runnable> jobs, String name) {
        Thread t = new Thread(() -> {
            while (true) {
                Runnable r;
                try {
                    r = jobs.take();
                } catch (InterruptedException e) {
                    return;
                }
                if (r == STOP) {
                    return;
                }
                try {
                    r.run();
                } catch (Throwable e) {
                    LOG.log(Level.WARNING, name + ": unexpected failure", e);
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** @return transfer jobs waiting for their thread */
    int queued() {
        return queued.get();
    }

    /**
     * Uploads a host tensor into a device buffer.
     *
     * @param src   host tensor (read until the returned future completes)
     * @param dst   device buffer of at least {@code src.byteSize()} bytes
     * @param waits events the write must wait for (earlier users of a reused buffer)
     * @param sink  receives the write's event (one reference, owned by the request)
     * @return completes with the write's event once it is enqueued
     */
    CompletableFuture<Ev> upload(Tensor src, ClBuffer dst, List<Ev> waits, Consumer<Ev> sink) {
        CompletableFuture<Ev> f = new CompletableFuture<>();
        queued.incrementAndGet();
        upJobs.add(() -> {
            queued.decrementAndGet();
            try {
                long bytes = src.byteSize();
                Staging s = upSets[upNext];
                upNext = (upNext + 1) % upSets.length;
                if (s.pending != null) {
                    try {
                        s.pending.event.await();
                    } catch (RuntimeException e) {
                        LOG.fine("earlier upload failed: " + e.getMessage());
                    }
                    s.pending.release();
                    s.pending = null;
                }
                ByteBuffer st = s.ensure(bytes);
                st.put(src.buffer().limit((int) bytes));
                st.flip();
                Ev ev = new Ev(upQueue.write(dst, 0, st, false, Ev.natives(waits)), Ev.UPLOAD, -1, bytes);
                upQueue.flush();
                s.pending = ev.retain();
                sink.accept(ev);
                f.complete(ev);
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /**
     * Downloads a device tensor into a new host tensor.
     *
     * @param src   device tensor
     * @param waits events to wait for (its producers)
     * @param sink  receives the read's event (one reference, owned by the request)
     * @return the enqueue and data futures
     */
    Download download(DeviceTensor src, List<Ev> waits, Consumer<Ev> sink) {
        CompletableFuture<Ev> enq = new CompletableFuture<>();
        CompletableFuture<Tensor> data = new CompletableFuture<>();
        queued.incrementAndGet();
        downJobs.add(() -> {
            queued.decrementAndGet();
            Staging s;
            try {
                s = downFree.take();
            } catch (InterruptedException e) {
                enq.completeExceptionally(e);
                data.completeExceptionally(e);
                return;
            }
            Ev ev;
            try {
                ByteBuffer st = s.ensure(src.bytes());
                ev = new Ev(downQueue.read(src.buffer(), 0, st, false, Ev.natives(waits)), Ev.DOWNLOAD, -1, src.bytes());
                downQueue.flush();
            } catch (Throwable e) {
                downFree.add(s);
                enq.completeExceptionally(e);
                data.completeExceptionally(e);
                return;
            }
            sink.accept(ev);
            enq.complete(ev);
            completions.add(() -> {
                Tensor t = null;
                Throwable err = null;
                try {
                    ev.event.await();
                    t = Tensor.allocate(src.type(), src.shape());
                    t.buffer().put(s.buf.clear().limit((int) src.bytes()));
                } catch (Throwable e) {
                    err = e;
                }
                downFree.add(s);
                if (err != null) {
                    data.completeExceptionally(err);
                } else {
                    data.complete(t);
                }
            });
        });
        return new Download(enq, data);
    }

    @Override
    public void close() {
        upJobs.add(STOP);
        downJobs.add(STOP);
        join(upThread);
        join(downThread);
        completions.add(STOP);
        join(completeThread);
        // every transfer ends before its staging memory goes (below); one queue failing does not
        // keep the other from being waited for
        for (ClQueue q : new ClQueue[] {upQueue, downQueue}) {
            try {
                q.finish();
            } catch (RuntimeException e) {
                LOG.fine("transfer queue did not finish cleanly on close: " + e.getMessage());
            }
        }
        for (Staging s : upSets) {
            if (s.pending != null) {
                s.pending.release();
                s.pending = null;
            }
        }
        upQueue.close();
        downQueue.close();
        // the staging memory (as large as the biggest transfer) goes now, not when the last
        // reference to a closed session does
        for (Staging s : upSets) {
            s.buf = EMPTY;
        }
        for (Staging s : downFree) {
            s.buf = EMPTY;
        }
    }

    private static void join(Thread t) {
        try {
            t.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
