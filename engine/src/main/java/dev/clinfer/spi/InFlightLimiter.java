package dev.clinfer.spi;

import dev.clinfer.api.ClinferException;
import dev.clinfer.api.Session;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Admission control over one or more targets (devices): each target runs at most
 * {@code perTarget} requests at once, a new request goes to the least-loaded target with a free
 * slot (ties rotate), and callers past the bound wait, optionally with a timeout that ends in a
 * {@link Session.BusyException}. Thread-safe.
 */
public final class InFlightLimiter {
    private final List<String> names;
    private final int perTarget;
    private final int[] inFlight;
    private final long[] served;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int waiting;
    private int rotate;
    private boolean closed;

    /**
     * @param names     target names (for messages)
     * @param perTarget requests allowed in flight per target, at least 1
     */
    public InFlightLimiter(List<String> names, int perTarget) {
        if (names.isEmpty() || perTarget < 1) {
            throw new IllegalArgumentException("need targets and a bound of at least 1");
        }
        this.names = List.copyOf(names);
        this.perTarget = perTarget;
        this.inFlight = new int[names.size()];
        this.served = new long[names.size()];
    }

    /**
     * Takes a slot on the least-loaded target, waiting while every target is full.
     *
     * @param timeoutNanos longest wait; 0 or less waits without limit
     * @return the target index (give it back with {@link #release})
     * @throws Session.BusyException when the timeout passes first
     * @throws ClinferException      when the limiter was closed (the session is closing)
     */
    public int acquire(long timeoutNanos) {
        return acquire(timeoutNanos, -1);
    }

    /**
     * As {@link #acquire(long)}, but on one given target.
     *
     * @param timeoutNanos longest wait; 0 or less waits without limit
     * @param only         the target to use, or -1 for the least-loaded one
     * @return the target index
     */
    public int acquire(long timeoutNanos, int only) {
        long deadline = System.nanoTime() + timeoutNanos;
        lock.lock();
        try {
            waiting++;
            try {
                while (true) {
                    if (closed) {
                        throw new ClinferException("session is closed");
                    }
                    int best = only >= 0 ? (inFlight[only] < perTarget ? only : -1) : pick();
                    if (best >= 0) {
                        inFlight[best]++;
                        served[best]++;
                        return best;
                    }
                    if (timeoutNanos <= 0) {
                        changed.await();
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            throw new Session.BusyException("no free request slot within "
                                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms: " + perTarget
                                    + " requests in flight on each of " + names
                                    + " (raise SessionOptions.maxInFlight or acquireTimeout)");
                        }
                        changed.awaitNanos(left);
                    }
                }
            } finally {
                waiting--;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClinferException("interrupted while waiting for a request slot", e);
        } finally {
            lock.unlock();
        }
    }

    private int pick() {
        int n = inFlight.length;
        int best = -1;
        for (int k = 0; k < n; k++) {
            int i = (rotate + k) % n;
            if (inFlight[i] < perTarget && (best < 0 || inFlight[i] < inFlight[best])) {
                best = i;
            }
        }
        if (best >= 0) {
            rotate = (best + 1) % n;
        }
        return best;
    }

    /** @param target an index from {@link #acquire} whose request has finished */
    public void release(int target) {
        lock.lock();
        try {
            inFlight[target]--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Refuses new requests and wakes the waiting callers, which then fail. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param timeoutNanos longest wait
     * @return true when no request is in flight any more
     */
    public boolean awaitIdle(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        lock.lock();
        try {
            while (inFlight() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return inFlight() == 0;
        } finally {
            lock.unlock();
        }
    }

    /** @return requests in flight over every target */
    public int inFlight() {
        lock.lock();
        try {
            int s = 0;
            for (int v : inFlight) {
                s += v;
            }
            return s;
        } finally {
            lock.unlock();
        }
    }

    /** @return callers waiting for a slot */
    public int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    /** @return target names */
    public List<String> names() {
        return names;
    }

    /** @return per-target slot bound */
    public int perTarget() {
        return perTarget;
    }
}
