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

    /** @param d the device preference, passed on to {@link SessionOptions#device(String)} */
    @Option(names = "--device", paramLabel = "D",
            description = "Device: java (the pure-Java CPU path), auto (best available), or an OpenCL choice "
                    + "(gpu, opencl-cpu, PLATFORM:DEVICE). Default: $CLINFER_DEVICE, else auto.")
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
        return o;
    }
}
