package dev.clinfer.scheduler;

import dev.clinfer.api.DeviceException;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.opencl.ClBinding;
import dev.clinfer.opencl.ClBindings;
import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ClDevice;
import dev.clinfer.opencl.ClUnavailableException;
import dev.clinfer.spi.Backend;
import dev.clinfer.spi.BackendProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Registers the OpenCL backend with the engine (ServiceLoader) and walks the device chain for
 * each token of the device preference (see {@link DeviceSelector}).
 */
public final class OpenClProvider implements BackendProvider {
    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public Backend open(SessionOptions options, Consumer<String> log) {
        if (!DeviceSelector.wantsOpenCl(options.device())) {
            return null;
        }
        List<String> tokens = DeviceSelector.tokens(options.device());
        for (String t : tokens) {
            if (!DeviceSelector.isJava(t)) {
                DeviceSelector.candidates(List.of(), t); // rejects unknown tokens early, OpenCL or not
            }
        }
        List<String> bindingLog = new ArrayList<>();
        ClBinding binding;
        List<ClDevice> devices;
        try {
            binding = ClBindings.open(options.binding(), bindingLog);
            devices = binding.devices();
        } catch (ClUnavailableException | LinkageError e) {
            // the exception already names every binding that failed; the log lines would repeat it
            log.accept("OpenCL unavailable: " + e.getMessage());
            if (options.strict()) {
                throw new DeviceException("strict mode: OpenCL unavailable: " + e.getMessage());
            }
            return null;
        }
        boolean java = false;
        List<DeviceRuntime> opened = new ArrayList<>();
        List<String> taken = new ArrayList<>();
        try {
            for (String t : tokens) {
                if (DeviceSelector.isJava(t)) {
                    java = true;
                    continue;
                }
                List<ClDevice> candidates = DeviceSelector.candidates(devices, t);
                boolean every = DeviceSelector.isEveryOfKind(t);
                int got = 0;
                for (ClDevice d : candidates) {
                    if (taken.contains(d.id())) {
                        continue;
                    }
                    ClContext ctx = DeviceSelector.selfTest(binding, d, log);
                    if (ctx == null) {
                        continue;
                    }
                    try {
                        opened.add(new DeviceRuntime(binding, ctx, options.stagingSets(), reason(t, d)));
                    } catch (RuntimeException e) {
                        ctx.close();
                        throw e;
                    }
                    taken.add(d.id());
                    got++;
                    if (!every) {
                        break;
                    }
                }
                if (got == 0) {
                    String why = candidates.isEmpty() ? "no OpenCL device matches '" + t + "' among " + devices
                            : "no device for '" + t + "' passed its self-test";
                    if (options.strict()) {
                        throw new DeviceException("strict mode: " + why);
                    }
                    log.accept(why);
                }
            }
        } catch (RuntimeException | Error e) {
            opened.forEach(DeviceRuntime::close);
            throw e;
        }
        if (opened.isEmpty()) {
            if (options.strict()) {
                throw new DeviceException("strict mode: no usable OpenCL device for '" + options.device() + "'");
            }
            return null;
        }
        return new OpenClBackend(opened, java, options);
    }

    private static String reason(String token, ClDevice d) {
        if (token.equals("auto") || token.equals("opencl")) {
            return d.isGpuLike() ? "first GPU/accelerator that passed the self-test"
                    : "no GPU passed the self-test; first OpenCL CPU device";
        }
        return "requested as '" + token + "'";
    }
}
