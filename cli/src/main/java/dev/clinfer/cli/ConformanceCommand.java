package dev.clinfer.cli;

import dev.clinfer.api.ClinferException;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.conformance.ConformanceRunner;
import dev.clinfer.conformance.ConformanceRunner.Outcome;
import dev.clinfer.conformance.Tolerance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code clinfer conformance}: runs ONNX backend-test folders and compares with their references. */
@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = {"Runs ONNX backend-test folders (model.onnx plus test_data_set_N/input_K.pb and output_K.pb) "
                + "and compares every output with its reference: |actual - expected| <= atol + rtol * |expected|.",
            "Prints PASS/FAIL per test, then 'N passed, N failed'. Exits 1 when any test failed."})
public final class ConformanceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "A test folder, or a folder of test folders.")
    List<Path> paths;

    @Option(names = "--rtol", paramLabel = "R",
            description = "Relative tolerance for every test (default: the folder's data.json, else 1e-3).")
    Double rtol;

    @Option(names = "--atol", paramLabel = "A",
            description = "Absolute tolerance for every test (default: the folder's data.json, else 1e-7).")
    Double atol;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "A test running longer fails (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Mixin
    DeviceOptions deviceOptions;

    @Override
    public Integer call() throws NoSuchFileException {
        if ((rtol != null && !(rtol >= 0)) || (atol != null && !(atol >= 0)) || timeoutSeconds < 1) {
            throw new ParameterException(spec.commandLine(),
                    "--rtol and --atol must be non-negative numbers and --timeout at least 1");
        }
        List<Path> tests = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.isDirectory(p)) {
                throw new NoSuchFileException(p.toString());
            }
            tests.addAll(ConformanceRunner.discover(p));
        }
        if (tests.isEmpty()) {
            throw new ClinferException("no test folders (folders holding model.onnx) in " + paths);
        }
        PrintWriter out = spec.commandLine().getOut();
        SessionOptions options = deviceOptions.toSessionOptions();
        int passed = 0;
        int failed = 0;
        List<Outcome> skipped = new ArrayList<>();
        for (Path dir : tests) {
            Outcome o = new ConformanceRunner(options, tolerance(dir), timeoutSeconds).run(dir);
            switch (o.status()) {
                case PASS:
                    passed++;
                    out.println("PASS " + o.name() + " (" + o.millis() + " ms)");
                    break;
                case FAIL:
                    failed++;
                    out.println("FAIL " + o.name() + ": " + o.message());
                    break;
                default:
                    skipped.add(o);
                    break;
            }
            out.flush();
        }
        out.println(passed + " passed, " + failed + " failed");
        if (!skipped.isEmpty()) {
            out.println(skipped.size() + " skipped");
            for (Outcome o : skipped) {
                out.println("  " + o.name() + ": " + o.message());
            }
        }
        return failed > 0 ? Main.EXIT_FAILURE : 0;
    }

    /** The folder's tolerance with --rtol/--atol replacing its parts; null (the runner reads data.json) without them. */
    private Tolerance tolerance(Path dir) {
        if (rtol == null && atol == null) {
            return null;
        }
        Tolerance base = ConformanceRunner.readTolerance(dir);
        return new Tolerance(rtol != null ? rtol : base.rtol(), atol != null ? atol : base.atol());
    }
}
