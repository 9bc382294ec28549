package dev.clinfer.opencl;

import dev.clinfer.api.DeviceException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/** Loads the {@code .cl} sources shipped under {@code dev/clinfer/kernels/}. */
public final class KernelSources {
    private static final ConcurrentHashMap<String, String> CACHE = new ConcurrentHashMap<>();

    private KernelSources() {
    }

    /** @param file e.g. {@code elementwise.cl} @return its text */
    public static String get(String file) {
        return CACHE.computeIfAbsent(file, f -> {
            try (InputStream in = KernelSources.class.getResourceAsStream("/dev/clinfer/kernels/" + f)) {
                if (in == null) {
                    throw new DeviceException("kernel source " + f + " is not on the class path");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new DeviceException("cannot read kernel source " + f + ": " + e.getMessage(), e);
            }
        });
    }
}
