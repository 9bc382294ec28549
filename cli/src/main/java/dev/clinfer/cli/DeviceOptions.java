package dev.clinfer.cli;

import dev.clinfer.api.SessionOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --device} and {@code --threads}, shared by the commands that create sessions. */
public final class DeviceOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private String device;
    private Integer threads;

    @Option(names = "--binding", paramLabel = "B",
            description = "OpenCL binding: auto, jocl or lwjgl. Default: $CLINFER_BINDING, else auto.")
    String binding;

    @Option(names = "--strict", description = "Fail instead of falling back from the requested device (to another device or the Java path), and on OpenCL program build failures.")
    boolean strict;

    @Option(names = "--cpu-op", paramLabel = "OP",
            description = "Keep this op type on the Java CPU lane even on an OpenCL device (repeatable; for testing fallback).")
    java.util.List<String> cpuOps = new java.util.ArrayList<>();

    /** @param d the device preference, passed on to {@link SessionOptions#device(String)} */
    @Option(names = "--device", paramLabel = "D",
            description = "Device: auto (an OpenCL GPU, else an OpenCL CPU device, else Java), gpu, opencl-cpu, "
                    + "PLATFORM:DEVICE (see 'clinfer devices'), java (the pure-Java CPU path), or a comma list such as "
                    + "0:0,0:1 or 0:0,java to share requests across devices. "
                    + "Default: $CLINFER_DEVICE, else auto.")
    void device(String d) {
        if (d.isBlank()) {
            throw new ParameterException(mixee.commandLine(), "--device needs a value such as java or auto");
        }
        this.device = d.trim();
    }

    /** @param n worker threads of the session */
    @Option(names = "--threads", paramLabel = "N",
            description = "Worker threads (default: the number of available processors).")
    void threads(int n) {
        if (n < 1) {
            throw new ParameterException(mixee.commandLine(), "--threads must be at least 1, got " + n);
        }
        this.threads = n;
    }

    /** @return session options with the flags given on the command line applied */
    public SessionOptions toSessionOptions() {
        SessionOptions o = new SessionOptions();
        if (device != null) {
            o.device(device);
        }
        if (threads != null) {
            o.threads(threads);
        }
        if (binding != null) {
            o.binding(binding);
        }
        o.strict(strict);
        cpuOps.forEach(o::cpuOnlyOp);
        return o;
    }
}
