package dev.clinfer.cli;

import dev.clinfer.api.SessionOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code clinfer devices}: the devices clinfer can run on. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "Lists the devices clinfer can run on and the default choice.")
public final class DevicesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        SessionOptions defaults = new SessionOptions();
        Runtime rt = Runtime.getRuntime();
        out.println("java: the pure-Java CPU path (--device java)");
        out.println("  threads:              " + defaults.threads() + " (default; set with --threads N)");
        out.println("  available processors: " + rt.availableProcessors());
        out.printf(Locale.ROOT, "  max heap:             %.0f MB (tensors live off-heap in direct buffers)%n",
                rt.maxMemory() / 1e6);
        out.println("  Java:                 " + System.getProperty("java.version") + " ("
                + System.getProperty("java.vendor") + "), " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch"));
        out.println("opencl: not in this build; OpenCL support arrives with the OpenCL backend");
        out.println("default device: " + defaults.device() + (System.getenv("CLINFER_DEVICE") != null
                ? " (from CLINFER_DEVICE)" : "") + "; every choice runs on the Java CPU path for now");
        return 0;
    }
}
