package dev.clinfer.scheduler;

import java.util.Arrays;

/**
 * Kernel and transfer intervals of one device (device clock, ns), kept for the overlap ratio: the
 * share of transfer time that falls inside the union of kernel intervals. Holds the most recent
 * intervals only (older halves are dropped when full). Thread-safe.
 */
final class IntervalLog {
    private static final int CAP = 1 << 17;

    private final long[][] kernels = {new long[1024], new long[1024]};
    private int nk;
    private final long[][] transfers = {new long[256], new long[256]};
    private int nt;

    synchronized void kernel(long start, long end) {
        nk = add(kernels, nk, start, end);
    }

    synchronized void transfer(long start, long end) {
        nt = add(transfers, nt, start, end);
    }

    private static int add(long[][] a, int n, long start, long end) {
        if (end < start) {
            return n;
        }
        if (n == a[0].length) {
            if (n >= CAP) {
                int half = n / 2;
                System.arraycopy(a[0], half, a[0], 0, n - half);
                System.arraycopy(a[1], half, a[1], 0, n - half);
                n -= half;
            } else {
                a[0] = Arrays.copyOf(a[0], n * 2);
                a[1] = Arrays.copyOf(a[1], n * 2);
            }
        }
        a[0][n] = start;
        a[1][n] = end;
        return n + 1;
    }

    synchronized void clear() {
        nk = 0;
        nt = 0;
    }

    /** @return {transfer ns inside kernel intervals, transfer ns} */
    synchronized long[] overlap() {
        // union of kernel intervals, sorted by start
        Integer[] idx = new Integer[nk];
        for (int i = 0; i < nk; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> Long.compare(kernels[0][x], kernels[0][y]));
        long[] us = new long[nk];
        long[] ue = new long[nk];
        int m = 0;
        for (int k = 0; k < nk; k++) {
            long s = kernels[0][idx[k]];
            long e = kernels[1][idx[k]];
            if (m > 0 && s <= ue[m - 1]) {
                ue[m - 1] = Math.max(ue[m - 1], e);
            } else {
                us[m] = s;
                ue[m] = e;
                m++;
            }
        }
        long inside = 0;
        long total = 0;
        for (int t = 0; t < nt; t++) {
            long s = transfers[0][t];
            long e = transfers[1][t];
            total += e - s;
            int j = Arrays.binarySearch(us, 0, m, s);
            j = j >= 0 ? j : Math.max(0, -j - 2);
            for (; j < m && us[j] < e; j++) {
                long lo = Math.max(s, us[j]);
                long hi = Math.min(e, ue[j]);
                if (hi > lo) {
                    inside += hi - lo;
                }
            }
        }
        return new long[] {inside, total};
    }
}
