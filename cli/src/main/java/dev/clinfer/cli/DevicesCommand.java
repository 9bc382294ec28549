package dev.clinfer.cli;

import dev.clinfer.api.SessionOptions;
import dev.clinfer.opencl.ClBinding;
import dev.clinfer.opencl.ClBindings;
import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ClDevice;
import dev.clinfer.opencl.ClUnavailableException;
import dev.clinfer.opencl.SignalChaining;
import dev.clinfer.scheduler.DeviceSelector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code clinfer devices}: every OpenCL platform and device, the Java path, and what auto picks. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "Lists OpenCL platforms and devices and the Java CPU path, and marks the device 'auto' takes, and why.")
public final class DevicesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--binding", paramLabel = "B", description = "OpenCL binding: auto, jocl or lwjgl (default: $CLINFER_BINDING, else auto).")
    String binding;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        SessionOptions defaults = new SessionOptions();
        if (binding != null) {
            defaults.binding(binding);
        }
        List<String> log = new ArrayList<>();
        String autoChoice = null;
        String autoWhy = null;
        try {
            ClBinding b = ClBindings.open(defaults.binding(), log);
            List<ClDevice> devices = b.devices();
            for (ClDevice c : DeviceSelector.candidates(devices, "auto")) {
                ClContext ctx = DeviceSelector.selfTest(b, c, log::add);
                if (ctx != null) {
                    ctx.close();
                    autoChoice = c.id();
                    autoWhy = c.isGpuLike() ? "the first GPU/accelerator that passed the self-test"
                            : "no GPU passed the self-test; the first OpenCL CPU device that did";
                    break;
                }
            }
            out.println("OpenCL (binding " + b.name() + "):");
            String platform = null;
            for (ClDevice d : devices) {
                if (!d.platformName().equals(platform)) {
                    platform = d.platformName();
                    out.println("  platform " + d.platformIndex() + ": " + d.platformName() + " (" + d.platformVersion() + ")");
                }
                boolean chosen = d.id().equals(autoChoice);
                out.println((chosen ? "  * " : "    ") + "device " + d.id() + ": " + d.name() + (chosen ? "   <- auto" : ""));
                out.printf(Locale.ROOT, "        type %s, %d compute units, %d MHz, vendor %s%n", d.type(), d.computeUnits(),
                        d.clockMhz(), d.vendor());
                out.printf(Locale.ROOT, "        global %s, local %s, max alloc %s, max work-group %d%n",
                        mb(d.globalMemBytes()), kb(d.localMemBytes()), mb(d.maxAllocBytes()), d.maxWorkGroupSize());
                out.printf(Locale.ROOT, "        fp16 %s, fp64 %s, %s, driver %s%n", d.fp16() ? "yes" : "no",
                        d.fp64() ? "yes" : "no", d.openclCVersion(), d.driverVersion());
            }
        } catch (ClUnavailableException | LinkageError e) {
            log.add(e.getMessage());
            out.println("OpenCL: unavailable (" + e.getMessage() + ")");
        }
        for (String l : log) {
            out.println("  note: " + l);
        }
        Runtime rt = Runtime.getRuntime();
        out.println((autoChoice == null ? "* " : "  ") + "java: the pure-Java CPU path (--device java)"
                + (autoChoice == null ? "   <- auto" : ""));
        out.println("        threads " + defaults.threads() + " (default; --threads N), " + rt.availableProcessors()
                + " processors, max heap " + mb(rt.maxMemory()) + ", Java " + System.getProperty("java.version"));
        out.println("signal chaining: " + (SignalChaining.active() ? "on (libjsig preloaded)"
                : "off (OpenCL drivers built on LLVM, such as PoCL, can displace the JVM's signal handlers; "
                        + "set LD_PRELOAD=" + SignalChaining.library() + ")"));
        out.println("auto takes: " + (autoChoice != null ? "OpenCL device " + autoChoice + ", " + autoWhy
                : "the Java CPU path, because OpenCL is unavailable or no device passed the self-test"));
        if (System.getenv("CLINFER_DEVICE") != null) {
            out.println("CLINFER_DEVICE=" + System.getenv("CLINFER_DEVICE") + " overrides auto for run/info/conformance/bench");
        }
        return 0;
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.0f MB", bytes / 1048576.0);
    }

    private static String kb(long bytes) {
        return String.format(Locale.ROOT, "%.0f KB", bytes / 1024.0);
    }
}
