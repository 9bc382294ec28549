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

/** Registers the OpenCL backend with the engine (ServiceLoader) and walks the device chain. */
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
        List<String> bindingLog = new ArrayList<>();
        ClBinding binding;
        List<ClDevice> devices;
        try {
            binding = ClBindings.open(options.binding(), bindingLog);
            devices = binding.devices();
        } catch (ClUnavailableException | LinkageError e) {
            bindingLog.forEach(log);
            log.accept("OpenCL unavailable: " + e.getMessage());
            if (options.strict()) {
                throw new DeviceException("strict mode: OpenCL unavailable: " + e.getMessage());
            }
            return null;
        }
        List<ClDevice> candidates = DeviceSelector.candidates(devices, options.device());
        if (candidates.isEmpty()) {
            log.accept("no OpenCL device matches '" + options.device() + "' among " + devices);
        }
        for (ClDevice d : candidates) {
            ClContext ctx = DeviceSelector.selfTest(binding, d, log);
            if (ctx != null) {
                String why = reason(options.device(), d);
                return new OpenClBackend(binding, ctx, options, why);
            }
        }
        if (options.strict()) {
            throw new DeviceException("strict mode: no usable OpenCL device for '" + options.device() + "'");
        }
        return null;
    }

    private static String reason(String pref, ClDevice d) {
        if (pref.equalsIgnoreCase("auto")) {
            return d.isGpuLike() ? "first GPU/accelerator that passed the self-test"
                    : "no GPU passed the self-test; first OpenCL CPU device";
        }
        return "requested as '" + pref + "'";
    }
}
