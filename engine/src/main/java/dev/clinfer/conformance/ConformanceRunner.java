package dev.clinfer.conformance;

import dev.clinfer.api.ClinferException;
import dev.clinfer.api.DataType;
import dev.clinfer.api.Result;
import dev.clinfer.api.Session;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import dev.clinfer.api.TensorInfo;
import dev.clinfer.onnx.TensorFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs ONNX backend-test folders ({@code model.onnx} plus {@code test_data_set_N/input_K.pb}
 * and {@code output_K.pb}) and compares every output with its reference.
 */
public final class ConformanceRunner {
    /** Tolerance when a folder has no data.json: that of the ONNX node tests. */
    public static final Tolerance DEFAULT_TOLERANCE = new Tolerance(1e-3, 1e-7);

    /** Outcome of one test folder. */
    public enum Status { PASS, FAIL, SKIP }

    /**
     * @param name    folder name
     * @param status  outcome
     * @param message why it failed or was skipped; empty on pass
     * @param millis  wall time
     */
    public record Outcome(String name, Status status, String message, long millis) {
    }

    private final SessionOptions options;
    private final Tolerance override;
    private final long timeoutSeconds;

    /**
     * @param options        session options for every test
     * @param override       tolerance that replaces data.json and the default, or null
     * @param timeoutSeconds a test running longer fails
     */
    public ConformanceRunner(SessionOptions options, Tolerance override, long timeoutSeconds) {
        this.options = options;
        this.override = override;
        this.timeoutSeconds = timeoutSeconds;
    }

    /**
     * @param path a test folder, or a folder of test folders
     * @return test folders, sorted
     */
    public static List<Path> discover(Path path) {
        if (Files.isRegularFile(path.resolve("model.onnx"))) {
            return List.of(path);
        }
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(path)) {
            s.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).sorted().forEach(out::add);
        } catch (IOException e) {
            throw new ClinferException("cannot list " + path + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Runs one folder with a time limit.
     *
     * @param dir the test folder
     * @return the outcome
     */
    public Outcome run(Path dir) {
        long t0 = System.nanoTime();
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "conformance-" + dir.getFileName());
            t.setDaemon(true);
            return t;
        });
        try {
            Future<Outcome> f = ex.submit(() -> runUnbounded(dir, t0));
            return f.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return new Outcome(name(dir), Status.FAIL, "timed out after " + timeoutSeconds + " s", ms(t0));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(name(dir), Status.FAIL, "interrupted", ms(t0));
        } catch (java.util.concurrent.ExecutionException e) {
            return new Outcome(name(dir), Status.FAIL, oneLine(e.getCause()), ms(t0));
        } finally {
            ex.shutdownNow();
        }
    }

    private Outcome runUnbounded(Path dir, long t0) throws IOException {
        List<Path> sets = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().startsWith("test_data_set_") && Files.isDirectory(p))
                    .sorted().forEach(sets::add);
        }
        if (sets.isEmpty()) {
            return new Outcome(name(dir), Status.SKIP, "no test_data_set_N folder", ms(t0));
        }
        Tolerance tol = override != null ? override : readTolerance(dir);
        try (Session session = Session.create(dir.resolve("model.onnx"), options)) {
            for (Path set : sets) {
                String err = runSet(session, set, tol);
                if (err != null) {
                    return new Outcome(name(dir), Status.FAIL, set.getFileName() + ": " + err, ms(t0));
                }
            }
            return new Outcome(name(dir), Status.PASS, "", ms(t0));
        } catch (ClinferException e) {
            return new Outcome(name(dir), Status.FAIL, oneLine(e), ms(t0));
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return new Outcome(name(dir), Status.FAIL, "internal error: " + oneLine(e), ms(t0));
        }
    }

    private static String runSet(Session session, Path set, Tolerance tol) {
        List<TensorInfo> formal = session.inputs();
        List<TensorFiles.Named> ins = readIndexed(set, "input_", session.inputKinds(), formal);
        List<TensorFiles.Named> outs = readIndexed(set, "output_", session.outputKinds(), session.outputs());
        Map<String, Tensor> feed = new HashMap<>();
        for (int j = 0; j < ins.size(); j++) {
            TensorFiles.Named n = ins.get(j);
            String name = n.name();
            boolean known = formal.stream().anyMatch(i -> i.name().equals(name));
            if (!known) {
                if (j >= formal.size()) {
                    return "input_" + j + ".pb has no matching graph input";
                }
                feed.put(formal.get(j).name(), n.tensor());
            } else {
                feed.put(name, n.tensor());
            }
        }
        try (Result r = session.run(feed)) {
            if (r.size() < outs.size()) {
                return "model produced " + r.size() + " outputs, reference has " + outs.size();
            }
            for (int k = 0; k < outs.size(); k++) {
                String outName = r.names().get(k);
                String err = tol.compare(r.get(k), outs.get(k).tensor());
                if (err != null) {
                    return "output '" + outName + "': " + err;
                }
            }
        }
        return null;
    }

    /**
     * Reads {@code prefixK.pb} files in order; file K holds the K-th graph input/output, read as the
     * kind the graph declares for it (tensor, sequence, optional).
     */
    private static List<TensorFiles.Named> readIndexed(Path set, String prefix, List<String> kinds,
                                                       List<TensorInfo> declared) {
        Pattern p = Pattern.compile(Pattern.quote(prefix) + "(\\d+)\\.pb");
        Map<Integer, Path> files = new HashMap<>();
        try (Stream<Path> s = Files.list(set)) {
            s.forEach(f -> {
                Matcher m = p.matcher(f.getFileName().toString());
                if (m.matches()) {
                    files.put(Integer.parseInt(m.group(1)), f);
                }
            });
        } catch (IOException e) {
            throw new ClinferException("cannot list " + set + ": " + e.getMessage(), e);
        }
        List<TensorFiles.Named> out = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            if (f == null) {
                throw new ClinferException(set + ": " + prefix + i + ".pb is missing");
            }
            TensorFiles.Named n = TensorFiles.readPb(f, i < kinds.size() ? kinds.get(i) : "tensor");
            DataType want = i < declared.size() ? declared.get(i).type() : null;
            out.add(new TensorFiles.Named(n.name(), asDeclared(n.tensor(), want)));
        }
        return out;
    }

    /**
     * The ONNX 1.12 backend data stores bfloat16 tensors as uint16 (the same bits): read such a
     * file as bfloat16 where the graph declares bfloat16.
     */
    private static Tensor asDeclared(Tensor t, DataType declared) {
        if (declared == DataType.BFLOAT16 && t.dataType() == DataType.UINT16) {
            return Tensor.wrap(DataType.BFLOAT16, t.buffer(), t.shape());
        }
        return t;
    }

    /**
     * @param dir a test folder
     * @return tolerance from its data.json, else the default
     */
    public static Tolerance readTolerance(Path dir) {
        Path f = dir.resolve("data.json");
        if (!Files.isRegularFile(f)) {
            return DEFAULT_TOLERANCE;
        }
        try {
            String s = Files.readString(f);
            return new Tolerance(number(s, "rtol", DEFAULT_TOLERANCE.rtol()), number(s, "atol", DEFAULT_TOLERANCE.atol()));
        } catch (IOException e) {
            return DEFAULT_TOLERANCE;
        }
    }

    private static double number(String json, String key, double def) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*([-+0-9.eE]+)").matcher(json);
        return m.find() ? Double.parseDouble(m.group(1)) : def;
    }

    private static String name(Path dir) {
        return dir.getFileName().toString();
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static String oneLine(Throwable t) {
        String m = t instanceof ClinferException ? t.getMessage() : t.toString();
        if (m == null) {
            m = t.getClass().getSimpleName();
        }
        m = m.replace('\n', ' ');
        return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    }

    /**
     * A tiny entry point for kernel work: {@code java -cp ... dev.clinfer.conformance.ConformanceRunner PATH...}
     * prints one line per test and the summary.
     *
     * @param args test folders or folders of them
     */
    public static void main(String[] args) {
        ConformanceRunner r = new ConformanceRunner(new SessionOptions().device("java"), null, 60);
        int pass = 0;
        int fail = 0;
        int skip = 0;
        for (String a : args) {
            for (Path d : discover(Path.of(a))) {
                Outcome o = r.run(d);
                System.out.println(o.status() + " " + o.name() + (o.message().isEmpty() ? "" : ": " + o.message()));
                switch (o.status()) {
                    case PASS: pass++; break;
                    case FAIL: fail++; break;
                    default: skip++; break;
                }
            }
        }
        System.out.println(pass + " passed, " + fail + " failed" + (skip > 0 ? ", " + skip + " skipped" : ""));
    }
}
