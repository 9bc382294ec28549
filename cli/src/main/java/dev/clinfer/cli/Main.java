package dev.clinfer.cli;

import dev.clinfer.api.ClinferException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code clinfer} command: parses the command line, runs one subcommand and maps failures
 * to exit codes (0 success, 1 failure, 2 usage error), printing each failure as one line on
 * stderr ({@code clinfer: error: ...}; the stack trace only with {@code --verbose}).
 */
@Command(name = "clinfer", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Runs ONNX models on the JVM (OpenCL offload, pure-Java CPU fallback).",
        subcommands = {RunCommand.class, InfoCommand.class, ConformanceCommand.class, DevicesCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 failure, 2 usage error.",
                "Run 'clinfer run' with no model to classify a text line with the bundled sample model."})
public final class Main implements Runnable {
    /** Exit code of a failed run (model, input or I/O error). */
    public static final int EXIT_FAILURE = 1;
    /** Exit code of a command line picocli could not parse. */
    public static final int EXIT_USAGE = 2;

    /** Held strongly: java.util.logging keeps loggers only weakly, and would forget the level. */
    private static final Logger ENGINE_LOG = Logger.getLogger("dev.clinfer");

    @Spec
    CommandSpec spec;

    /** Declared here for the usage text; read from the parse result, as each subcommand has its own copy. */
    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Print stack traces of failures and the engine's informational log lines.")
    boolean verbose;

    /** Without a subcommand, print the usage (as --help does). */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Entry point of {@code java -jar clinfer.jar}.
     *
     * @param args command line
     */
    public static void main(String[] args) {
        var again = SignalChainingRelaunch.command(System.getenv());
        if (again.isPresent()) {
            var code = SignalChainingRelaunch.run(again.get());
            if (code.isPresent()) {
                System.exit(code.get());
            }
        }
        // The bundled sample draws text with Java2D; it must never need a display.
        System.setProperty("java.awt.headless", "true");
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = execute(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs the command line without exiting the JVM (for tests and embedding).
     *
     * @param args command line
     * @param out  standard output
     * @param err  standard error
     * @return the exit code
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        int code = commandLine(out, err).execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /**
     * @param out standard output
     * @param err standard error
     * @return a command line with clinfer's error handling and exit codes
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(new Main());
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionStrategy(parseResult -> {
            ENGINE_LOG.setLevel(verbose(parseResult) ? Level.INFO : Level.WARNING);
            return new CommandLine.RunLast().execute(parseResult);
        });
        cmd.setParameterExceptionHandler(Main::usageError);
        cmd.setExecutionExceptionHandler((ex, c, parseResult) -> failure(ex, c, verbose(parseResult)));
        return cmd;
    }

    private static int usageError(ParameterException ex, String[] args) {
        CommandLine c = ex.getCommandLine();
        StringBuilder msg = new StringBuilder(oneLine(ex.getMessage()));
        if (ex instanceof UnmatchedArgumentException) {
            List<String> suggestions = ((UnmatchedArgumentException) ex).getSuggestions();
            if (!suggestions.isEmpty()) {
                msg.append("; did you mean ").append(String.join(" or ", suggestions)).append('?');
            }
        }
        msg.append(" (see '").append(c.getCommandSpec().qualifiedName()).append(" --help')");
        c.getErr().println("clinfer: error: " + msg);
        c.getErr().flush();
        return EXIT_USAGE;
    }

    private static int failure(Exception ex, CommandLine c, boolean verbose) {
        Throwable t = ex instanceof CommandLine.ExecutionException && ex.getCause() != null ? ex.getCause() : ex;
        PrintWriter err = c.getErr();
        err.println("clinfer: error: " + withModelFile(describe(t), c));
        if (verbose) {
            t.printStackTrace(err);
        }
        err.flush();
        return EXIT_FAILURE;
    }

    /**
     * Prefixes the model file the command was given when the message does not name it already, so that
     * a failure in a node (an unsupported op, a kernel error at run time) still says which file.
     */
    static String withModelFile(String line, CommandLine c) {
        CommandLine.ParseResult pr = c.getParseResult();
        if (pr == null || pr.matchedPositionals().isEmpty()) {
            return line;
        }
        Object v = pr.matchedPositionals().get(0).getValue();
        if (v == null) {
            return line;
        }
        String model = v.toString();
        String name = java.nio.file.Path.of(model).getFileName() == null ? model
                : java.nio.file.Path.of(model).getFileName().toString();
        return line.contains(name) ? line : model + ": " + line;
    }

    /** One line saying what went wrong, without Java class names for the expected failures. */
    static String describe(Throwable t) {
        if (t instanceof UncheckedIOException && t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        if (t instanceof NoSuchFileException) {
            return "no such file or directory: " + m;
        }
        if (t instanceof AccessDeniedException) {
            return "permission denied: " + m;
        }
        if (t instanceof FileAlreadyExistsException) {
            return "already exists (and is not a folder): " + m;
        }
        if (t instanceof NotDirectoryException) {
            return "not a folder: " + m;
        }
        if (t instanceof ClinferException || t instanceof IOException) {
            return oneLine(m == null ? t.getClass().getSimpleName() : m);
        }
        // Anything else is a bug in clinfer: say so, with the class name that helps a report.
        return "internal error: " + oneLine(t.toString()) + (t.getStackTrace().length > 0
                ? " at " + t.getStackTrace()[0] : "") + " (rerun with --verbose for the stack trace)";
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }

    private static boolean verbose(ParseResult pr) {
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
