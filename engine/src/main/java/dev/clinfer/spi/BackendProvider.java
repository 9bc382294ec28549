package dev.clinfer.spi;

import dev.clinfer.api.SessionOptions;

import java.util.function.Consumer;

/** Finds and opens a {@link Backend}; registered in {@code META-INF/services/dev.clinfer.spi.BackendProvider}. */
public interface BackendProvider {
    /** @return short name, e.g. {@code opencl} */
    String name();

    /**
     * Opens the best device this provider has for the options' device preference.
     *
     * @param options session options (device, binding, strict, threads)
     * @param log     receives one line per fallback step (no platform, self-test failed, ...)
     * @return a backend, or null when this provider has no device matching the preference
     * @throws dev.clinfer.api.DeviceException when the user asked for something that cannot be had
     */
    Backend open(SessionOptions options, Consumer<String> log);
}
