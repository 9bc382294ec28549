package dev.clinfer.scheduler;

import dev.clinfer.api.ClinferException;
import dev.clinfer.api.DataType;
import dev.clinfer.api.Session;
import dev.clinfer.api.Tensor;
import dev.clinfer.api.TensorInfo;
import dev.clinfer.spi.SessionStats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * A closed-loop load generator for benchmarks: {@code concurrency} client threads each send one
 * request, wait for it, and send the next, until {@code requests} have completed (after
 * {@code warmup} untimed ones, whose counters are reset). Reports throughput, latency
 * percentiles, the request split over devices and the transfer/kernel overlap ratio.
 *
 * <p>The clients start staggered, client {@code c} after {@code c/N} of the time one request
 * takes alone (estimated from the warm-up): clients that all start at once on one device share it evenly, finish together and
 * stay in lockstep, so every upload would fall in the idle gap between rounds, which is not how
 * independent callers arrive.
 */
public final class LoadGenerator {
    private LoadGenerator() {
    }

    /**
     * What a benchmark measured.
     *
     * @param requests          timed requests
     * @param concurrency       client threads
     * @param batch             batch size of each request (leading dim of the inputs)
     * @param seconds           wall time of the timed part
     * @param throughputPerS    requests per second
     * @param samplesPerS       requests times batch per second
     * @param latencyMs         sorted latencies of the timed requests, in ms
     * @param requestsPerDevice requests served per device lane
     * @param overlapRatio      share of transfer time inside kernel intervals (NaN without transfers)
     * @param stats             the session's counters after the timed part
     */
    public record Report(int requests, int concurrency, int batch, double seconds, double throughputPerS,
                         double samplesPerS, double[] latencyMs, Map<String, Long> requestsPerDevice,
                         double overlapRatio, SessionStats stats) {
        /** @param q quantile in [0, 1] @return that latency quantile (nearest rank), ms */
        public double latency(double q) {
            if (latencyMs.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(q * latencyMs.length) - 1;
            return latencyMs[Math.max(0, Math.min(latencyMs.length - 1, i))];
        }

        /** @return mean latency, ms */
        public double meanLatency() {
            return Arrays.stream(latencyMs).average().orElse(Double.NaN);
        }

        /** @return one JSON object (keys such as {@code latency_ms.p50}, {@code throughput_per_s}) */
        public String toJson() {
            StringBuilder b = new StringBuilder("{");
            b.append("\"requests\":").append(requests);
            b.append(",\"concurrency\":").append(concurrency);
            b.append(",\"batch\":").append(batch);
            b.append(",\"seconds\":").append(num(seconds));
            b.append(",\"throughput_per_s\":").append(num(throughputPerS));
            b.append(",\"samples_per_s\":").append(num(samplesPerS));
            b.append(",\"latency_ms\":{\"p50\":").append(num(latency(0.5))).append(",\"p90\":").append(num(latency(0.9)))
                    .append(",\"p99\":").append(num(latency(0.99))).append(",\"mean\":").append(num(meanLatency()))
                    .append(",\"min\":").append(num(latency(0))).append(",\"max\":").append(num(latency(1))).append('}');
            b.append(",\"requests_per_device\":{");
            boolean first = true;
            for (Map.Entry<String, Long> e : requestsPerDevice.entrySet()) {
                b.append(first ? "" : ",").append(TraceWriter.str(e.getKey())).append(':').append(e.getValue());
                first = false;
            }
            b.append('}');
            b.append(",\"overlap_ratio\":").append(num(overlapRatio));
            b.append(",\"bytes_uploaded\":").append(stats.bytesUploaded());
            b.append(",\"bytes_downloaded\":").append(stats.bytesDownloaded());
            b.append(",\"failed\":").append(stats.failed());
            b.append(",\"busy_ms_by_lane\":{");
            first = true;
            for (Map.Entry<String, Long> e : stats.busyNanosByLane().entrySet()) {
                b.append(first ? "" : ",").append(TraceWriter.str(e.getKey())).append(':').append(num(e.getValue() / 1e6));
                first = false;
            }
            return b.append("}}").toString();
        }

        private static String num(double v) {
            return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.4f", v);
        }
    }

    /**
     * Runs the benchmark.
     *
     * @param session     the session (shared by every client thread)
     * @param inputs      the inputs of every request
     * @param concurrency client threads, at least 1
     * @param requests    timed requests
     * @param warmup      untimed requests first
     * @param progress    told the number of timed requests done so far (may be null)
     * @return the report
     */
    public static Report run(Session session, Map<String, Tensor> inputs, int concurrency, int requests, int warmup,
                             IntConsumer progress) {
        if (concurrency < 1 || requests < 1 || warmup < 0) {
            throw new IllegalArgumentException("need concurrency >= 1, requests >= 1, warmup >= 0");
        }
        double[] warm = new double[warmup];
        int warmThreads = Math.min(concurrency, Math.max(1, warmup));
        phase(session, inputs, warmThreads, warmup, warm, null, 0);
        // warm-up latency / warm-up clients ~ the time of one request alone; offsets of 1/N of that
        long staggerNanos = warmup == 0 ? 0
                : (long) (Arrays.stream(warm).average().orElse(0) * 1e6 / warmThreads / concurrency);
        session.resetStats();
        double[] lat = new double[requests];
        long t0 = System.nanoTime();
        phase(session, inputs, concurrency, requests, lat, progress, staggerNanos);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Arrays.sort(lat);
        SessionStats st = session.stats();
        int batch = 1;
        for (Tensor t : inputs.values()) {
            batch = t.rank() > 0 ? (int) t.dim(0) : 1;
            break;
        }
        return new Report(requests, concurrency, batch, seconds, requests / seconds, requests * (double) batch / seconds,
                lat, st.requestsByDevice(), st.overlapRatio(), st);
    }

    private static void phase(Session session, Map<String, Tensor> inputs, int threads, int n, double[] lat,
                              IntConsumer progress, long staggerNanos) {
        if (n == 0) {
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicReference<RuntimeException> error = new AtomicReference<>();
        List<Thread> ts = new ArrayList<>();
        for (int c = 0; c < threads; c++) {
            long delay = staggerNanos * c;
            Thread t = new Thread(() -> {
                if (delay > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(delay);
                }
                int i;
                while (error.get() == null && (i = next.getAndIncrement()) < n) {
                    long s = System.nanoTime();
                    try {
                        session.run(inputs).close();
                    } catch (RuntimeException e) {
                        error.compareAndSet(null, e);
                        return;
                    }
                    if (lat != null) {
                        lat[i] = (System.nanoTime() - s) / 1e6;
                    }
                    int d = done.incrementAndGet();
                    if (progress != null) {
                        progress.accept(d);
                    }
                }
            }, "clinfer-bench-client-" + c);
            t.setDaemon(true);
            t.start();
            ts.add(t);
        }
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClinferException("benchmark interrupted");
            }
        }
        if (error.get() != null) {
            throw error.get();
        }
    }

    /**
     * Random inputs for every model input: the leading symbolic dim becomes {@code batch}, other
     * symbolic dims 1; floats standard normal, integers in [0, 10), booleans random.
     *
     * @param infos model inputs
     * @param batch batch size for a symbolic leading dim
     * @param seed  random seed
     * @return inputs by name
     */
    public static Map<String, Tensor> randomInputs(List<TensorInfo> infos, int batch, long seed) {
        Random r = new Random(seed);
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (TensorInfo ti : infos) {
            long[] shape = ti.shape() == null ? new long[] {batch} : ti.shape().clone();
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0) {
                    shape[i] = i == 0 ? batch : 1;
                }
            }
            DataType type = ti.type() == null ? DataType.FLOAT : ti.type();
            Tensor t = Tensor.allocate(type, shape);
            int n = t.numel();
            for (int i = 0; i < n; i++) {
                switch (type) {
                    case FLOAT, DOUBLE, FLOAT16, BFLOAT16 -> t.setDouble(i, r.nextGaussian());
                    case BOOL -> t.setLong(i, r.nextBoolean() ? 1 : 0);
                    default -> t.setLong(i, r.nextInt(10));
                }
            }
            m.put(ti.name(), t);
        }
        return m;
    }
}
