package dev.clinfer.bench;

import dev.clinfer.opencl.ClBinding;
import dev.clinfer.opencl.ClBindings;
import dev.clinfer.opencl.ClDevice;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A clinfer path to benchmark: the Java CPU path, or one OpenCL device.
 *
 * @param path   table label: {@code java}, {@code opencl-cpu} or {@code opencl-gpu}
 * @param device the {@code SessionOptions.device} value: {@code java} or {@code P:D}
 * @param words  the device in words, for the header
 */
public record PathSpec(String path, String device, String words) {
    /**
     * Expands {@code --paths}: {@code java}; {@code opencl} = every OpenCL device the binding lists (one
     * path each); {@code opencl-cpu} / {@code gpu} = those of that kind; {@code P:D} = that device.
     *
     * @param names   the comma-separated names
     * @param binding OpenCL binding preference
     * @param log     receives why OpenCL paths were dropped
     * @return the paths, in order, without duplicates
     */
    public static List<PathSpec> expand(List<String> names, String binding, List<String> log) {
        List<PathSpec> out = new ArrayList<>();
        List<ClDevice> devices = null;
        for (String raw : names) {
            String n = raw.toLowerCase(Locale.ROOT).trim();
            if (n.equals("java")) {
                add(out, new PathSpec("java", "java", "Java thread pool"));
                continue;
            }
            if (devices == null) {
                devices = devices(binding, log);
            }
            for (ClDevice d : devices) {
                boolean gpu = d.isGpuLike();
                boolean take = switch (n) {
                    case "opencl" -> true;
                    case "opencl-cpu" -> d.type().equals("CPU");
                    case "gpu", "opencl-gpu" -> gpu;
                    default -> d.id().equals(n);
                };
                if (take) {
                    add(out, new PathSpec(gpu ? "opencl-gpu" : "opencl-cpu", d.id(), d.toString()));
                }
            }
        }
        return out;
    }

    private static void add(List<PathSpec> out, PathSpec p) {
        if (out.stream().noneMatch(q -> q.device().equals(p.device()))) {
            out.add(p);
        }
    }

    private static List<ClDevice> devices(String binding, List<String> log) {
        try {
            ClBinding b = ClBindings.open(binding, new ArrayList<>());
            List<ClDevice> d = b.devices();
            if (d.isEmpty()) {
                log.add("OpenCL: the " + b.name() + " binding lists no device; OpenCL paths skipped");
            }
            return d;
        } catch (RuntimeException | LinkageError e) {
            log.add("OpenCL unavailable (" + e.getMessage() + "); OpenCL paths skipped");
            return List.of();
        }
    }
}
