package dev.clinfer.cli;

import dev.clinfer.api.ClinferException;
import dev.clinfer.api.Session;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import dev.clinfer.scheduler.LoadGenerator;
import dev.clinfer.spi.LayerProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code clinfer bench}: a closed-loop load test of one session: {@code --concurrency} client
 * threads send {@code --requests} requests (after {@code --warmup} untimed ones) and the command
 * prints throughput, latency percentiles, the request split over devices and the
 * transfer/kernel overlap ratio, or one JSON object with {@code --json}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks a model: N client threads send requests to one session, each waiting for its "
                + "answer before sending the next. Prints throughput, latency p50/p90/p99, requests per device and "
                + "the overlap ratio (share of transfer time inside kernel execution). A progress bar goes to stderr.",
            "--device also takes a comma list (0:0,0:1, or 0:0,java with the Java CPU lane as one more device); gpu and "
                + "opencl-cpu mean every device of that kind. Requests then go to the least-loaded device."})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "An .onnx file.")
    Path model;

    @Option(names = {"-c", "--concurrency"}, paramLabel = "N", defaultValue = "1",
            description = "Client threads sending requests at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = {"-n", "--requests"}, paramLabel = "M", defaultValue = "50",
            description = "Timed requests (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = {"-w", "--warmup"}, paramLabel = "W", defaultValue = "3",
            description = "Untimed requests first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = {"-b", "--batch"}, paramLabel = "B", defaultValue = "1",
            description = "Batch size of random inputs: the leading symbolic dim (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = {"-i", "--input"}, paramLabel = "NAME=FILE",
            description = "An input from a .npy or .pb file (repeatable), as in 'run'; inputs not given are random.")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the random inputs.")
    long seed;

    @Option(names = "--max-in-flight", paramLabel = "K",
            description = "Requests in flight per device (default: the larger of 4 and --concurrency).")
    Integer maxInFlight;

    @Option(names = "--split-batch", paramLabel = "B",
            description = "With several devices, split batches of at least B across them.")
    Integer splitBatch;

    @Option(names = "--pipeline", description = "With several devices, run them as pipeline stages (model parallel).")
    boolean pipeline;

    @Option(names = "--json", description = "Print one JSON object on stdout instead of the summary.")
    boolean json;

    @Option(names = "--profile", description = "Also print the per-layer table over the timed requests.")
    boolean profile;

    @Option(names = "--trace", paramLabel = "FILE.json",
            description = "Write a Chrome/Perfetto trace of the timed requests (one track per queue and thread).")
    Path trace;

    @Mixin
    DeviceOptions deviceOptions;

    @Override
    public Integer call() throws IOException {
        if (concurrency < 1 || requests < 1 || warmup < 0 || batch < 1) {
            throw new ParameterException(spec.commandLine(),
                    "--concurrency, --requests and --batch must be at least 1, --warmup at least 0");
        }
        if (!Files.isRegularFile(model)) {
            throw new ClinferException("model file not found: " + model);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SessionOptions options = deviceOptions.toSessionOptions()
                .maxInFlight(maxInFlight != null ? maxInFlight : Math.max(4, concurrency))
                .trace(trace != null).pipeline(pipeline);
        if (splitBatch != null) {
            options.splitBatch(splitBatch);
        }
        try (Session session = Session.create(model, options)) {
            Map<String, Tensor> feed = feed(session);
            if (!json) {
                out.println("model:       " + model);
                out.println("device:      " + session.device());
                out.printf(Locale.ROOT, "load:        concurrency %d, %d requests after %d warm-up, inputs %s%n",
                        concurrency, requests, warmup, shapes(feed));
                out.flush();
            }
            Progress bar = new Progress(err, requests);
            LoadGenerator.Report r;
            try {
                r = LoadGenerator.run(session, feed, concurrency, requests, warmup, bar::update);
            } finally {
                bar.done();
            }
            if (json) {
                out.println(r.toJson());
            } else {
                print(out, r);
            }
            if (profile) {
                printProfile(out, session.profile());
            }
            if (trace != null) {
                writeTrace(session, trace, json ? err : out);
            }
        }
        return 0;
    }

    private Map<String, Tensor> feed(Session session) throws IOException {
        InputLoader loader = new InputLoader(session.inputs());
        Map<String, InputLoader.Loaded> given = loader.readFiles(inputs);
        Map<String, Tensor> random = LoadGenerator.randomInputs(session.inputs(), batch, seed);
        Map<String, Tensor> feed = new LinkedHashMap<>();
        for (String name : random.keySet()) {
            InputLoader.Loaded l = given.get(name);
            feed.put(name, l != null ? l.tensor() : random.get(name));
        }
        return feed;
    }

    private static String shapes(Map<String, Tensor> feed) {
        List<String> l = new ArrayList<>();
        feed.forEach((k, v) -> l.add(k + " " + TensorSummary.typeAndShape(v)));
        return String.join(", ", l);
    }

    private static void print(PrintWriter out, LoadGenerator.Report r) {
        out.printf(Locale.ROOT, "throughput:  %.3f requests/s (%.3f samples/s at batch %d) over %.1f s%n",
                r.throughputPerS(), r.samplesPerS(), r.batch(), r.seconds());
        out.printf(Locale.ROOT, "latency ms:  p50 %.1f  p90 %.1f  p99 %.1f  (mean %.1f, min %.1f, max %.1f)%n",
                r.latency(0.5), r.latency(0.9), r.latency(0.99), r.meanLatency(), r.latency(0), r.latency(1));
        long total = r.requestsPerDevice().values().stream().mapToLong(Long::longValue).sum();
        List<String> per = new ArrayList<>();
        r.requestsPerDevice().forEach((d, n) -> per.add(String.format(Locale.ROOT, "%s %d (%.1f%%)", d, n,
                total == 0 ? 0.0 : 100.0 * n / total)));
        out.println("per device:  " + (per.isEmpty() ? "(none)" : String.join(", ", per)));
        out.printf(Locale.ROOT, "overlap:     %s of transfer time inside kernel execution (%.1f MB up, %.1f MB down)%n",
                Double.isNaN(r.overlapRatio()) ? "n/a (no transfers)" : String.format(Locale.ROOT, "%.3f", r.overlapRatio()),
                r.stats().bytesUploaded() / 1e6, r.stats().bytesDownloaded() / 1e6);
        List<String> busy = new ArrayList<>();
        r.stats().busyNanosByLane().forEach((k, v) -> busy.add(String.format(Locale.ROOT, "%s %.0f ms", k, v / 1e6)));
        out.println("busy:        " + String.join(", ", busy));
        if (r.stats().failed() > 0) {
            out.println("failed:      " + r.stats().failed());
        }
    }

    /**
     * Prints the per-layer table of a session's profile.
     *
     * @param out  where to print
     * @param rows the profile, largest first
     */
    static void printProfile(PrintWriter out, List<LayerProfile> rows) {
        if (rows.isEmpty()) {
            out.println("profile: none recorded (the plain Java path keeps no per-node timers; use an OpenCL device)");
            return;
        }
        int w = 4;
        for (LayerProfile p : rows) {
            w = Math.max(w, Math.min(48, p.node().length()));
        }
        String fmt = "%-" + w + "s  %-18s %-12s %-9s %6s %11s %7s%n";
        out.printf(Locale.ROOT, fmt, "node", "op", "lane", "queue", "calls", "time ms", "%");
        double total = 0;
        for (LayerProfile p : rows) {
            String node = p.node().length() > w ? "..." + p.node().substring(p.node().length() - w + 3) : p.node();
            out.printf(Locale.ROOT, fmt, node, p.op(), p.lane(), p.queue(), p.calls(),
                    String.format(Locale.ROOT, "%.3f", p.totalNanos() / 1e6), String.format(Locale.ROOT, "%.1f", p.percent()));
            total += p.totalNanos() / 1e6;
        }
        out.printf(Locale.ROOT, "total %.3f ms summed over nodes and transfers (concurrent queues overlap)%n", total);
    }

    /**
     * Writes a session's trace, or says why there is none.
     *
     * @param session the session (created with tracing on)
     * @param file    target
     * @param out     where to report
     * @throws IOException on a write failure
     */
    static void writeTrace(Session session, Path file, PrintWriter out) throws IOException {
        try {
            session.writeTrace(file);
            out.println("trace: wrote " + file + " (open in ui.perfetto.dev or chrome://tracing)");
        } catch (UnsupportedOperationException e) {
            out.println("trace: " + e.getMessage());
        }
    }

    /** A text progress bar, redrawn in place on stderr. */
    private static final class Progress {
        private final PrintWriter err;
        private final int total;
        private final long start = System.nanoTime();
        private int shown = -1;

        Progress(PrintWriter err, int total) {
            this.err = err;
            this.total = total;
        }

        synchronized void update(int done) {
            int width = 30;
            int filled = (int) ((long) done * width / total);
            if (done != total && filled == shown && done % 10 != 0) {
                return;
            }
            shown = filled;
            double s = (System.nanoTime() - start) / 1e9;
            err.printf(Locale.ROOT, "\r[%s%s] %d/%d  %.2f req/s", "#".repeat(filled), "-".repeat(width - filled), done,
                    total, s > 0 ? done / s : 0.0);
            err.flush();
        }

        synchronized void done() {
            if (shown >= 0) {
                err.println();
                err.flush();
            }
        }
    }
}
