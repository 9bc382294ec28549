package dev.clinfer.bench;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Process memory as Linux reports it. ONNX Runtime allocates natively and clinfer in direct buffers, so
 * the one measure both engines show up in is the resident set: {@code VmHWM} (peak RSS) from
 * {@code /proc/self/status}, whose peak can be reset by writing {@code 5} to {@code /proc/self/clear_refs}.
 * Elsewhere the probe reports nothing (-1).
 */
public final class MemoryProbe {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private MemoryProbe() {
    }

    /** @return current RSS in bytes, or -1 */
    public static long rss() {
        return field("VmRSS:");
    }

    /** @return peak RSS since start or the last {@link #resetPeak}, in bytes, or -1 */
    public static long peakRss() {
        return field("VmHWM:");
    }

    /** @return whether the peak was reset (Linux 4.0+, writable clear_refs) */
    public static boolean resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** @return bytes in use by the JVM's direct buffers (clinfer's tensors live there) */
    public static long directBytes() {
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) {
                return b.getMemoryUsed();
            }
        }
        return -1;
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    String[] p = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(p[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** @return the 1/5/15-minute load averages as Linux prints them, or "n/a" */
    public static String loadAverage() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return p[0] + " " + p[1] + " " + p[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
