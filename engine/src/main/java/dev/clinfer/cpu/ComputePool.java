package dev.clinfer.cpu;

import dev.clinfer.ops.RangeBody;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The session's worker threads. Kernels split loops over it with {@link #parallelFor}; the
 * threads are created once per session (lazily, up to the configured count), never per
 * inference. Work-stealing lets many concurrent {@code run} calls share the same workers.
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
        List<RecursiveAction> tasks = new ArrayList<>(chunks);
        for (int c = 0; c < chunks; c++) {
            int start = (int) ((long) n * c / chunks);
            int end = (int) ((long) n * (c + 1) / chunks);
            tasks.add(new RecursiveAction() {
                @Override
                protected void compute() {
                    body.run(start, end);
                }
            });
        }
        Thread cur = Thread.currentThread();
        if (cur instanceof ForkJoinWorkerThread && ((ForkJoinWorkerThread) cur).getPool() == pool) {
            ForkJoinTask.invokeAll(tasks);
        } else {
            pool.invoke(new RecursiveAction() {
                @Override
                protected void compute() {
                    ForkJoinTask.invokeAll(tasks);
                }
            });
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
