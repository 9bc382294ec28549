package dev.clinfer.opencl;

import dev.clinfer.api.DeviceException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads the {@code .cl} sources shipped under {@code dev/clinfer/kernels/}. A line
 * {@code #include "name.clh"} is replaced by that resource's text here, because the sources live
 * in a jar where the OpenCL compiler's own include path cannot reach them.
 */
public final class KernelSources {
    private static final ConcurrentHashMap<String, String> CACHE = new ConcurrentHashMap<>();
    private static final Pattern INCLUDE = Pattern.compile("(?m)^#include \"([A-Za-z0-9_]+\\.clh)\"\\s*$");

    private KernelSources() {
    }

    /**
     * Makes generated source text (a fused elementwise chain compiled to OpenCL C) reachable by
     * name, so that it builds and caches through {@link ProgramCache} like the shipped files.
     * The name is derived from the text, so equal programs share one build.
     *
     * @param stem   a readable prefix, e.g. {@code fused_ew}
     * @param source the OpenCL C source
     * @return the name to pass as a program file
     */
    public static String define(String stem, String source) {
        String name = "generated/" + stem + "_" + Integer.toHexString(source.hashCode()) + "_" + source.length() + ".cl";
        String old = CACHE.putIfAbsent(name, source);
        if (old != null && !old.equals(source)) {
            // A hash collision between two different texts: fall back to a longer, unique name.
            name = "generated/" + stem + "_" + java.util.UUID.nameUUIDFromBytes(source.getBytes(StandardCharsets.UTF_8))
                    + ".cl";
            CACHE.putIfAbsent(name, source);
        }
        return name;
    }

    /** @param file e.g. {@code elementwise.cl} @return its text */
    public static String get(String file) {
        return CACHE.computeIfAbsent(file, f -> {
            Matcher m = INCLUDE.matcher(read(f));
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(read(m.group(1))));
            }
            return m.appendTail(out).toString();
        });
    }

    private static String read(String file) {
        try (InputStream in = KernelSources.class.getResourceAsStream("/dev/clinfer/kernels/" + file)) {
            if (in == null) {
                throw new DeviceException("kernel source " + file + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DeviceException("cannot read kernel source " + file + ": " + e.getMessage(), e);
        }
    }
}
