package dev.clinfer.cli;

import dev.clinfer.api.ClinferException;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Result;
import dev.clinfer.api.Session;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import dev.clinfer.util.Npy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code clinfer run}: runs a model once and summarises its outputs, or runs the bundled sample. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs a model once on inputs read from files or made up at random, and prints each output's "
                + "shape, type and a summary (top-5 of a vector, else min/max/mean).",
            "Without MODEL, runs the bundled sample: the PP-OCR text-direction classifier on a text line drawn "
                + "upright and turned by 180 degrees."})
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "An .onnx file.")
    Path model;

    @Option(names = {"-i", "--input"}, paramLabel = "NAME=FILE",
            description = "An input from a .npy or ONNX TensorProto .pb file (repeatable). A bare FILE binds the "
                    + "input its .pb names, else the next unbound one. float64/int64 files are converted to the "
                    + "model's float/integer type.")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--random", description = "Fill inputs not given with random data (floats standard normal, "
            + "integers in [0, 10)); symbolic dims are taken as 1.")
    boolean random;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of --random (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Write each output to DIR/NAME.npy.")
    Path outputDir;

    @Option(names = "--profile", description = "After the run, print a per-layer table: node, op, lane, queue, time "
            + "and % of total (OpenCL profiling events and CPU timers; OpenCL sessions).")
    boolean profile;

    @Option(names = "--trace", paramLabel = "FILE.json", description = "Write a Chrome/Perfetto trace of the run: one "
            + "track per command queue (compute, upload, download) and CPU-lane thread (OpenCL sessions).")
    Path trace;

    @Mixin
    DeviceOptions deviceOptions;

    @Override
    public Integer call() throws IOException {
        if (model == null) {
            if (!inputs.isEmpty() || random || outputDir != null) {
                throw new ParameterException(spec.commandLine(),
                        "--input, --random and --output need a MODEL (without one, run runs the bundled sample)");
            }
            return runSample();
        }
        if (!Files.isRegularFile(model)) {
            throw Files.isDirectory(model) ? new ClinferException("model '" + model + "' is a folder, not an .onnx file")
                    : new ClinferException("model file not found: " + model);
        }
        PrintWriter out = spec.commandLine().getOut();
        SessionOptions options = deviceOptions.toSessionOptions().trace(trace != null);
        long t0 = System.nanoTime();
        try (Session session = Session.create(model, options)) {
            out.printf(Locale.ROOT, "model:  %s (loaded in %.0f ms)%n", model, ms(t0));
            out.println("device: " + session.device());
            InputLoader loader = new InputLoader(session.inputs());
            Map<String, InputLoader.Loaded> given = loader.readFiles(inputs);
            if (random) {
                loader.fillRandom(given, seed);
            }
            List<String> missing = loader.missing(given);
            if (!missing.isEmpty()) {
                throw new InvalidInputException("missing input " + String.join(", ", missing) + "; give it with "
                        + "--input NAME=FILE or use --random");
            }
            Map<String, Tensor> feed = new LinkedHashMap<>();
            for (Map.Entry<String, InputLoader.Loaded> e : given.entrySet()) {
                Tensor t = e.getValue().tensor();
                out.println("input  " + e.getKey() + ": " + TensorSummary.typeAndShape(t) + " (" + e.getValue().origin()
                        + ")");
                feed.put(e.getKey(), t);
            }
            long t1 = System.nanoTime();
            try (Result result = session.run(feed)) {
                double runMs = ms(t1);
                for (Map.Entry<String, Tensor> e : result) {
                    out.println("output " + e.getKey() + ": " + TensorSummary.typeAndShape(e.getValue()));
                    out.println("  " + TensorSummary.summary(e.getValue()));
                }
                out.printf(Locale.ROOT, "run time: %.1f ms%n", runMs);
                if (outputDir != null) {
                    writeOutputs(result, out);
                }
            }
            if (profile) {
                BenchCommand.printProfile(out, session.profile());
            }
            if (trace != null) {
                BenchCommand.writeTrace(session, trace, out);
            }
        }
        return 0;
    }

    private void writeOutputs(Result result, PrintWriter out) throws IOException {
        Files.createDirectories(outputDir);
        Set<String> used = new HashSet<>();
        int i = 0;
        for (Map.Entry<String, Tensor> e : result) {
            String file = fileName(e.getKey(), i++, used);
            Path f = outputDir.resolve(file);
            try {
                Npy.write(f, e.getValue());
            } catch (IllegalArgumentException ex) {
                throw new ClinferException("output '" + e.getKey() + "': " + ex.getMessage());
            }
            out.println("wrote  " + f);
        }
    }

    /** A safe, unique file name for an output: characters outside [A-Za-z0-9._-] become '_'. */
    static String fileName(String name, int index, Set<String> used) {
        String base = name.replaceAll("[^A-Za-z0-9._-]", "_");
        if (base.isEmpty() || base.chars().allMatch(c -> c == '.')) {
            base = "output_" + index;
        }
        String candidate = base;
        // Compare case-insensitively: outputs 'A' and 'a' would collide on macOS and Windows.
        for (int k = 2; !used.add(candidate.toLowerCase(Locale.ROOT)); k++) {
            candidate = base + "_" + k;
        }
        return candidate + ".npy";
    }

    private int runSample() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("No model given: running the bundled sample, the PP-OCR v2 text-direction classifier");
        out.println("(PaddleOCR, Apache-2.0), on the text line \"" + SampleModel.TEXT + "\" drawn upright and "
                + "turned by 180 degrees.");
        long t0 = System.nanoTime();
        try (Session session = Session.create(SampleModel.modelBytes(), deviceOptions.toSessionOptions())) {
            out.printf(Locale.ROOT, "device: %s (model loaded in %.0f ms)%n", session.device(), ms(t0));
            BufferedImage upright = SampleModel.renderLine(SampleModel.TEXT);
            long t1 = System.nanoTime();
            SampleModel.Prediction a = SampleModel.classify(session, upright);
            SampleModel.Prediction b = SampleModel.classify(session, SampleModel.rotate180(upright));
            double runMs = ms(t1);
            out.println(line("upright line", a));
            out.println(line("rotated line", b));
            out.printf(Locale.ROOT, "run time: %.1f ms for both images%n", runMs);
        }
        return 0;
    }

    /** e.g. {@code upright line  -> 0°   (p=0.99)}. */
    static String line(String what, SampleModel.Prediction p) {
        return String.format(Locale.ROOT, "%-13s -> %-4s (p=%.2f)", what, p.label() + "\u00b0", p.probability());
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }
}
