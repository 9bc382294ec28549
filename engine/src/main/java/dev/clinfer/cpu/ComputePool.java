package dev.clinfer.cpu;

import dev.clinfer.ops.RangeBody;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The session's worker threads. Kernels split loops over it with {@link #parallelFor}; the
 * threads are created once per session (lazily), never per inference. A loop runs on its caller
 * plus up to {@code threads - 1} pool threads, so a session uses {@code threads} cores per
 * request; many concurrent {@code run} calls share the same workers.
 */
public final class ComputePool implements AutoCloseable {
    /** Below this much estimated work (in rough flops) a loop runs on the calling thread. */
    static final long MIN_PARALLEL_WORK = 32_768;

    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final int threads;
    private final ForkJoinPool pool;

    /** @param threads worker count, at least 1 */
    public ComputePool(int threads) {
        this.threads = Math.max(1, threads);
        int id = POOL_IDS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        this.pool = this.threads == 1 ? null : new ForkJoinPool(this.threads, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("clinfer-" + id + "-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    /** @return configured thread count */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in chunks and waits for all of them.
     *
     * @param n           range size
     * @param costPerItem rough work per index
     * @param body        loop body
     */
    public void parallelFor(int n, long costPerItem, RangeBody body) {
        if (n <= 0) {
            return;
        }
        long work = (long) n * Math.max(1, costPerItem);
        if (pool == null || n == 1 || work < MIN_PARALLEL_WORK) {
            body.run(0, n);
            return;
        }
        int chunks = (int) Math.min(n, Math.min(threads * 4L, Math.max(2, work / MIN_PARALLEL_WORK)));
        new Split(n, chunks, body).run(pool, threads - 1);
    }

    /**
     * One parallel loop: its chunks are claimed from a counter by the calling thread and by up to
     * {@code helpers} pool threads. The caller works too and waits only for chunks, never for a
     * helper to wake up: a helper that starts after every chunk was claimed finds nothing and
     * ends. (Handing the whole loop to the pool and blocking cost two thread wake-ups per loop,
     * which on these VMs made two threads slower than one on mobilenet_v2.)
     */
    private static final class Split implements Runnable {
        /** Spins before parking: the last chunks of a loop usually end within microseconds. */
        private static final int SPINS = 1 << 10;
        private final int n;
        private final int chunks;
        private final RangeBody body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final Thread caller = Thread.currentThread();
        private volatile Throwable failure;

        Split(int n, int chunks, RangeBody body) {
            this.n = n;
            this.chunks = chunks;
            this.body = body;
        }

        void run(ForkJoinPool pool, int helpers) {
            for (int h = 0; h < Math.min(helpers, chunks - 1); h++) {
                try {
                    pool.execute(this);
                } catch (RejectedExecutionException e) {
                    break; // a pool shut down under a late request: the caller does all chunks
                }
            }
            run();
            for (int spin = 0; done.get() < chunks; spin++) {
                if (spin < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            Throwable f = failure;
            if (f instanceof RuntimeException r) {
                throw r;
            }
            if (f instanceof Error e) {
                throw e;
            }
            if (f != null) {
                throw new IllegalStateException(f);
            }
        }

        @Override
        public void run() {
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    if (failure == null) {
                        body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
                    }
                } catch (Throwable t) {
                    if (failure == null) {
                        failure = t;
                    }
                } finally {
                    if (done.incrementAndGet() == chunks) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
