package dev.clinfer.scheduler;

import dev.clinfer.ir.Node;
import dev.clinfer.spi.LayerProfile;
import dev.clinfer.spi.SessionStats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters, per-layer profile, overlap intervals and (optionally) trace spans of one
 * prepared graph. Requests report here once they are complete, from the event timestamps of
 * their kernels and transfers and the host clock of their CPU-lane nodes. Thread-safe.
 */
final class Recorder {
    private static final int MAX_SPANS = 2_000_000;

    private final boolean trace;
    private final ConcurrentHashMap<String, IntervalLog> intervals = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> busy = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> perDevice = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Layer> layers = new ConcurrentHashMap<>();
    private final LongAdder requests = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder up = new LongAdder();
    private final LongAdder down = new LongAdder();
    private final ConcurrentLinkedQueue<TraceWriter.Span> spans = new ConcurrentLinkedQueue<>();
    private final AtomicInteger spanCount = new AtomicInteger();
    private volatile long since = System.nanoTime();

    private static final class Layer {
        final String node;
        final String op;
        final String lane;
        final String queue;
        final LongAdder calls = new LongAdder();
        final LongAdder nanos = new LongAdder();

        Layer(String node, String op, String lane, String queue) {
            this.node = node;
            this.op = op;
            this.lane = lane;
            this.queue = queue;
        }
    }

    Recorder(boolean trace) {
        this.trace = trace;
    }

    boolean tracing() {
        return trace;
    }

    private void layer(String node, String op, String lane, String queue, long nanos) {
        Layer l = layers.computeIfAbsent(lane + "\u0000" + node + "\u0000" + queue, k -> new Layer(node, op, lane, queue));
        l.calls.increment();
        l.nanos.add(nanos);
    }

    private void busy(String lane, long nanos) {
        busy.computeIfAbsent(lane, k -> new LongAdder()).add(nanos);
    }

    private void span(String process, String thread, String name, String cat, long start, long dur,
                      Map<String, Object> args) {
        if (trace && spanCount.incrementAndGet() <= MAX_SPANS) {
            spans.add(new TraceWriter.Span(process, thread, name, cat, start, dur, args));
        }
    }

    /**
     * One kernel launch.
     *
     * @param lane   device lane name
     * @param track  queue track, e.g. "slot0 compute1"
     * @param node   its node
     * @param p      {queued, start, end} on the device clock
     * @param offset device clock to host clock
     */
    void kernel(String lane, String track, Node node, long[] p, long offset) {
        intervals.computeIfAbsent(lane, k -> new IntervalLog()).kernel(p[1], p[2]);
        busy(lane + " kernels", p[2] - p[1]);
        span(lane, track, node.name(), node.opType(), p[1] + offset, p[2] - p[1], null);
    }

    /**
     * Reports one completed request's kernels and transfers from its events' timestamps.
     *
     * @param g      the device graph it ran on
     * @param slot   its slot (queue track names)
     * @param events its events, all complete
     */
    void requestEvents(DeviceGraph g, Slot slot, List<Ev> events) {
        long[] perNode = new long[g.nodes.length];
        boolean[] ran = new boolean[g.nodes.length];
        for (Ev e : events) {
            long[] p;
            try {
                p = e.event.profile();
            } catch (RuntimeException x) {
                continue;
            }
            if (e.isTransfer()) {
                transfer(g.dev.lane, e.queue == Ev.UPLOAD, e.bytes, p, g.dev.clockOffset);
            } else {
                kernel(g.dev.lane, slot.tracks[e.queue], g.nodes[e.node], p, g.dev.clockOffset);
                perNode[e.node] += p[2] - p[1];
                ran[e.node] = true;
            }
        }
        for (int i = 0; i < perNode.length; i++) {
            if (ran[i]) {
                deviceNode(g.dev.lane, "compute" + g.queueOf[i], g.nodes[i], perNode[i]);
            }
        }
    }

    /** A node's summed kernel time in one request. */
    void deviceNode(String lane, String queue, Node node, long nanos) {
        layer(node.name(), node.opType(), lane, queue, nanos);
    }

    /**
     * One transfer.
     *
     * @param lane   device lane name
     * @param upload host to device when true
     * @param bytes  bytes moved
     * @param p      {queued, start, end} on the device clock
     * @param offset device clock to host clock
     */
    void transfer(String lane, boolean upload, long bytes, long[] p, long offset) {
        intervals.computeIfAbsent(lane, k -> new IntervalLog()).transfer(p[1], p[2]);
        (upload ? up : down).add(bytes);
        String kind = upload ? "upload" : "download";
        busy(lane + " " + kind, p[2] - p[1]);
        layer("<" + kind + ">", upload ? "Upload" : "Download", lane, kind, p[2] - p[1]);
        span(lane, kind, kind, kind, p[1] + offset, p[2] - p[1], Map.of("bytes", bytes));
    }

    /** A node run on the Java CPU lane (host clock). */
    void cpu(Node node, String thread, long start, long end) {
        busy("java", end - start);
        layer(node.name(), node.opType(), "java", "host", end - start);
        span("java lane", thread, node.name(), node.opType(), start, end - start, null);
    }

    /**
     * A request (or, in pipeline mode, one stage of a request) ended on a device.
     *
     * @param device the device lane
     * @param stage  true for a pipeline stage (counted per device, not as a request)
     */
    void request(String device, boolean stage, boolean ok, long start, long end, long id) {
        if (!stage) {
            (ok ? requests : failed).increment();
        }
        if (ok) {
            perDevice.computeIfAbsent(device, k -> new LongAdder()).increment();
        }
        span("requests", device, (stage ? "stage of request " : "request ") + id, ok ? "ok" : "failed", start,
                end - start, null);
    }

    /** A whole pipelined request ended (its stages were counted per device). */
    void pipelined(boolean ok) {
        (ok ? requests : failed).increment();
    }

    SessionStats snapshot(int inFlight, int waiting, long queued) {
        long inside = 0;
        long total = 0;
        for (IntervalLog l : intervals.values()) {
            long[] o = l.overlap();
            inside += o[0];
            total += o[1];
        }
        Map<String, Long> b = new TreeMap<>();
        busy.forEach((k, v) -> b.put(k, v.sum()));
        Map<String, Long> d = new TreeMap<>();
        perDevice.forEach((k, v) -> d.put(k, v.sum()));
        return new SessionStats(requests.sum(), failed.sum(), inFlight, waiting, queued, up.sum(), down.sum(),
                b, d, total == 0 ? Double.NaN : (double) inside / total, System.nanoTime() - since);
    }

    List<LayerProfile> profile() {
        List<Layer> ls = new ArrayList<>(layers.values());
        long sum = 0;
        for (Layer l : ls) {
            sum += l.nanos.sum();
        }
        List<LayerProfile> out = new ArrayList<>();
        for (Layer l : ls) {
            long n = l.nanos.sum();
            out.add(new LayerProfile(l.node, l.op, l.lane, l.queue, l.calls.sum(), n, sum == 0 ? 0 : 100.0 * n / sum));
        }
        out.sort(Comparator.comparingLong(LayerProfile::totalNanos).reversed());
        return out;
    }

    void reset() {
        intervals.values().forEach(IntervalLog::clear);
        busy.clear();
        perDevice.clear();
        layers.clear();
        requests.reset();
        failed.reset();
        up.reset();
        down.reset();
        spans.clear();
        spanCount.set(0);
        since = System.nanoTime();
    }

    void writeTrace(Path file) throws IOException {
        if (!trace) {
            throw new IllegalStateException("no trace recorded: create the session with SessionOptions.trace(true)");
        }
        List<TraceWriter.Span> l = new ArrayList<>(spans);
        l.sort(Comparator.comparingLong(TraceWriter.Span::startNs));
        TraceWriter.write(file, l);
    }

    /** @return lanes seen so far with their request counts, for tests */
    Map<String, Long> requestsByDevice() {
        Map<String, Long> m = new LinkedHashMap<>();
        perDevice.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}
