package dev.clinfer.api;

import dev.clinfer.spi.Backend;
import dev.clinfer.spi.BackendProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.logging.Logger;

/**
 * Walks the fallback chain: an OpenCL GPU, then an OpenCL CPU device, then the Java CPU path.
 * What was chosen, and why, is one log line.
 *
 * @param backend     the backend, or null for the Java path
 * @param description the choice in words
 */
record DeviceChoice(Backend backend, String description) {
    private static final Logger LOG = Logger.getLogger("dev.clinfer.device");

    static DeviceChoice open(SessionOptions o) {
        String d = o.device().toLowerCase(Locale.ROOT).trim();
        String java = "java (thread pool, " + o.threads() + " threads)";
        if (d.equals("java") || d.equals("cpu")) {
            return new DeviceChoice(null, java);
        }
        List<String> steps = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, DeviceChoice.class.getClassLoader())) {
            Backend b = p.open(o, steps::add);
            if (b != null) {
                LOG.info("device: " + b.description() + (steps.isEmpty() ? "" : " (" + String.join("; ", steps) + ")"));
                return new DeviceChoice(b, b.description());
            }
        }
        if (steps.isEmpty()) {
            steps.add("no OpenCL backend on the class path (add clinfer-host-scheduler)");
        }
        String why = String.join("; ", steps);
        if (o.strict() || !(d.equals("auto"))) {
            if (o.strict()) {
                throw new DeviceException("device '" + o.device() + "' requested in strict mode, but: " + why);
            }
        }
        LOG.info("device: " + java + ", after falling back: " + why);
        return new DeviceChoice(null, java + "; fell back: " + why);
    }
}
