package dev.clinfer.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Measures one model at one thread count: ONNX Runtime and every clinfer path are loaded and warmed up one
 * after another (each one's peak RSS growth measured on the way), their outputs compared, and then the
 * engines take turns for the timed rounds, the starting engine rotating each round so that none always
 * runs right after the same neighbour.
 */
final class ModelRunner {
    private final CompareOrt.Options options;
    private final PrintStream log;

    ModelRunner(CompareOrt.Options options, PrintStream log) {
        this.options = options;
        this.log = log;
    }

    /** An engine after load and warm-up, with what that cost. */
    private record Loaded(BenchEngine engine, PathSpec path, double peakMib, double directMib,
                          double lastWarmMs, Map<String, BenchEngine.Output> outputs, String error) {
    }

    List<Row> measure(BenchModel model, int threads, List<PathSpec> paths) {
        List<Loaded> loaded = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        try {
            Loaded ort = load(null, () -> new OrtEngine(threads, options.ortSpin(), model.file(), model.feed()));
            loaded.add(ort);
            for (PathSpec p : paths) {
                loaded.add(load(p, () -> new ClinferEngine(p.path(), p.device(), threads, model.file(), model.feed())));
            }
            List<Loaded> running = loaded.stream().filter(l -> l.engine() != null).toList();
            double perRound = running.stream().mapToDouble(Loaded::lastWarmMs).sum();
            int rounds = options.rounds();
            String cut = "";
            if (options.budgetSeconds() > 0 && perRound * rounds > options.budgetSeconds() * 1e3) {
                rounds = Math.max(options.minRounds(), (int) (options.budgetSeconds() * 1e3 / perRound));
                cut = rounds < options.rounds() ? "rounds cut to " + rounds + " by --budget" : "";
            }
            double[][] times = new double[running.size()][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int j = 0; j < running.size(); j++) {
                    int e = (j + r) % running.size();
                    long t0 = System.nanoTime();
                    running.get(e).engine().run();
                    times[e][r] = (System.nanoTime() - t0) / 1e6;
                }
            }
            String load = MemoryProbe.loadAverage();
            double ortMed = Double.NaN;
            double ortP90 = Double.NaN;
            if (ort.engine() != null) {
                ortMed = Stats.median(times[0]);
                ortP90 = Stats.percentile(times[0], 90);
            }
            for (int i = 1; i < loaded.size(); i++) {
                Loaded l = loaded.get(i);
                int idx = running.indexOf(l);
                String note = join(cut, l.error());
                String check;
                double maxAbs = Double.NaN;
                if (l.engine() == null) {
                    check = "ERROR";
                } else if (ort.outputs() == null) {
                    check = "no ORT reference";
                    note = join(note, "ORT: " + ort.error());
                } else {
                    OutputCheck.Verdict v = OutputCheck.compare(l.outputs(), ort.outputs());
                    check = v.word();
                    maxAbs = v.maxAbs();
                    for (String p : v.problems()) {
                        log.println("MISMATCH " + model.name() + " T=" + threads + " " + l.path().path() + ": " + p);
                    }
                    if (!v.ok()) {
                        note = join(note, v.problems().get(0));
                    }
                }
                if (l.engine() instanceof ClinferEngine c && !l.path().device().equals("java")) {
                    long onJava = c.javaNodes();
                    if (onJava > 0) {
                        note = join(note, onJava + " of " + c.nodes() + " nodes on the Java lane");
                    }
                }
                String device = l.engine() instanceof ClinferEngine c ? c.device() : l.path().words();
                double med = idx < 0 ? Double.NaN : Stats.median(times[idx]);
                double p90 = idx < 0 ? Double.NaN : Stats.percentile(times[idx], 90);
                rows.add(new Row(model.name(), model.input(), threads, l.path().path(), device, idx < 0 ? 0 : rounds,
                        med, p90, ortMed, ortP90, l.peakMib(), ort.peakMib(), l.directMib(), check, maxAbs,
                        model.flops(), note, load));
            }
        } finally {
            for (Loaded l : loaded) {
                if (l.engine() != null) {
                    l.engine().close();
                }
            }
        }
        if (options.memory().equals("fresh") && ChildJvm.canRelaunch(MemoryChild.class)) {
            rows = freshMemory(model, threads, loaded, rows);
        }
        return rows;
    }

    /** Replaces the in-process memory figures by those of a fresh JVM per engine (see {@link MemoryChild}). */
    private List<Row> freshMemory(BenchModel model, int threads, List<Loaded> loaded, List<Row> rows) {
        int runs = Math.max(1, Math.min(2, options.warmup()));
        double ort = Double.NaN;
        String ortErr = "";
        try {
            ort = MemoryChild.measure(model, "ort", threads, runs);
        } catch (RuntimeException e) {
            ortErr = e.getMessage();
        }
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Loaded l = loaded.get(i + 1);
            double mine = Double.NaN;
            String err = ortErr;
            if (l.engine() != null) {
                try {
                    mine = MemoryChild.measure(model, l.path().device(), threads, runs);
                } catch (RuntimeException e) {
                    err = join(err, e.getMessage());
                }
            }
            log.printf(Locale.ROOT, "  memory (fresh JVM, load + %d runs): ort +%.0f MiB, %s +%.0f MiB%n", runs, ort,
                    l.path().path(), mine);
            out.add(rows.get(i).withMemory(mine, ort, err));
        }
        return out;
    }

    /** Loads and warms up one engine, measuring the peak RSS growth across both. */
    private Loaded load(PathSpec path, Supplier<BenchEngine> create) {
        System.gc();
        long rss0 = MemoryProbe.rss();
        long direct0 = MemoryProbe.directBytes();
        boolean peakReset = MemoryProbe.resetPeak();
        BenchEngine e = null;
        PathSpec p = path == null ? new PathSpec("ort", "ort", "ONNX Runtime") : path;
        try {
            e = create.get();
            double last = 0;
            long start = System.nanoTime();
            long minNanos = (long) (options.warmupSeconds() * 1e9);
            for (int w = 0; w < Math.max(1, options.warmup()) || System.nanoTime() - start < minNanos; w++) {
                long t0 = System.nanoTime();
                e.run();
                last = (System.nanoTime() - t0) / 1e6;
            }
            double peak = peakReset && rss0 > 0 && !options.memory().equals("off") ? (MemoryProbe.peakRss() - rss0) / 1048576.0 : Double.NaN;
            double direct = (MemoryProbe.directBytes() - direct0) / 1048576.0;
            Map<String, BenchEngine.Output> out = e.runAndCollect();
            log.printf(Locale.ROOT, "  %-10s loaded, warm-up done (last %.1f ms, peak RSS +%.0f MiB)%n", p.path(),
                    last, peak);
            return new Loaded(e, p, peak, direct, last, out, "");
        } catch (RuntimeException | LinkageError ex) {
            if (e != null) {
                e.close();
            }
            String msg = ex.getClass().getSimpleName() + ": " + oneLine(ex.getMessage());
            log.println("  " + p.path() + " FAILED: " + msg);
            return new Loaded(null, p, Double.NaN, Double.NaN, 0, null, msg);
        }
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String l = s.replace('\n', ' ');
        return l.length() > 300 ? l.substring(0, 300) + "..." : l;
    }

    private static String join(String a, String b) {
        if (a == null || a.isEmpty()) {
            return b == null ? "" : b;
        }
        return b == null || b.isEmpty() ? a : a + "; " + b;
    }
}
