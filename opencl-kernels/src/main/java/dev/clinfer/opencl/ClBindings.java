package dev.clinfer.opencl;

import dev.clinfer.api.DeviceException;
import dev.clinfer.opencl.jocl.JoclBinding;
import dev.clinfer.opencl.lwjgl.LwjglBinding;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Opens the OpenCL binding a user asked for: {@code jocl}, {@code lwjgl}, or {@code auto}
 * (JOCL, else LWJGL). An explicit choice that cannot load is an error; {@code auto} moves on.
 */
public final class ClBindings {
    /** Test hook: wraps every binding {@link #open} returns (fault injection); identity normally. */
    private static volatile java.util.function.UnaryOperator<ClBinding> wrapper = java.util.function.UnaryOperator.identity();

    private ClBindings() {
    }

    /**
     * For tests only: every binding opened from now on is passed through {@code w} (a fault-injecting
     * wrapper, say). Pass null to restore the plain bindings.
     *
     * @param w the wrapper, or null
     */
    public static void wrapForTests(java.util.function.UnaryOperator<ClBinding> w) {
        wrapper = w == null ? java.util.function.UnaryOperator.identity() : w;
    }

    /**
     * @param preference {@code auto}, {@code jocl} or {@code lwjgl} (null = auto)
     * @param log        receives one line per binding that failed to load
     * @return a loaded binding
     * @throws ClUnavailableException when none loads (auto) or the chosen one does not
     */
    public static ClBinding open(String preference, List<String> log) {
        String p = preference == null ? "auto" : preference.toLowerCase(Locale.ROOT).trim();
        switch (p) {
            case "jocl":
                return wrapper.apply(new JoclBinding());
            case "lwjgl":
                return wrapper.apply(new LwjglBinding());
            case "auto":
            case "":
                List<String> errors = new ArrayList<>();
                for (String b : new String[] {"jocl", "lwjgl"}) {
                    try {
                        return open(b, log);
                    } catch (ClUnavailableException | LinkageError e) {
                        String line = b + " unavailable: " + e.getMessage();
                        errors.add(line);
                        log.add(line);
                    }
                }
                throw new ClUnavailableException("no OpenCL binding could load: " + String.join("; ", errors));
            default:
                throw new DeviceException("unknown OpenCL binding '" + preference + "' (use auto, jocl or lwjgl)");
        }
    }
}
