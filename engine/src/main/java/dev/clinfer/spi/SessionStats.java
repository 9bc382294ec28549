package dev.clinfer.spi;

import java.util.Map;

/**
 * A snapshot of a session's counters since it was created or since the last reset.
 *
 * @param requests           requests completed successfully
 * @param failed             requests that ended in an error
 * @param inFlight           requests running now
 * @param waiting            callers waiting for an in-flight slot now (the admission queue depth)
 * @param transferQueueDepth transfer jobs (uploads and downloads) queued but not yet enqueued on a device
 * @param bytesUploaded      host-to-device bytes
 * @param bytesDownloaded    device-to-host bytes
 * @param busyNanosByLane    summed busy time per lane and engine, e.g. {@code "opencl 0:0 kernels"},
 *                           {@code "opencl 0:0 upload"}, {@code "opencl 0:0 download"}, {@code "java"}
 *                           (concurrent work adds up, so a lane may exceed wall time)
 * @param requestsByDevice   requests served per device (its lane name)
 * @param overlapRatio       share of transfer time that fell inside kernel execution intervals on the
 *                           same device, from event timestamps (NaN when nothing was transferred)
 * @param wallNanos          wall time covered by these counters
 */
public record SessionStats(long requests, long failed, int inFlight, int waiting, long transferQueueDepth,
                           long bytesUploaded, long bytesDownloaded, Map<String, Long> busyNanosByLane,
                           Map<String, Long> requestsByDevice, double overlapRatio, long wallNanos) {
    /** @return completed requests per second of wall time (0 before any) */
    public double throughputPerSecond() {
        return wallNanos <= 0 ? 0 : requests * 1e9 / wallNanos;
    }
}
