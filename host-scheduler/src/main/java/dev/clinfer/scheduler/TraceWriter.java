package dev.clinfer.scheduler;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes Chrome trace-event JSON (the format chrome://tracing and ui.perfetto.dev open): one
 * process per device (and one for the Java CPU lane and one for requests), one thread track per
 * command queue or CPU thread, complete ("X") events with microsecond timestamps.
 */
final class TraceWriter {
    /**
     * One recorded span.
     *
     * @param process  process track (device lane, "java", "requests")
     * @param thread   thread track (queue or thread name)
     * @param name     span name (node name, "upload", ...)
     * @param category op type or transfer kind
     * @param startNs  start on the host clock (System.nanoTime)
     * @param durNs    duration
     * @param args     extra key/values shown on selection
     */
    record Span(String process, String thread, String name, String category, long startNs, long durNs,
                Map<String, Object> args) {
    }

    private TraceWriter() {
    }

    static void write(Path file, List<Span> spans) throws IOException {
        long t0 = spans.stream().mapToLong(Span::startNs).min().orElse(0);
        Map<String, Integer> pids = new LinkedHashMap<>();
        Map<String, Integer> tids = new LinkedHashMap<>();
        List<String> meta = new ArrayList<>();
        for (Span s : spans) {
            int pid = pids.computeIfAbsent(s.process(), k -> {
                int id = pids.size() + 1;
                meta.add("{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":" + id + ",\"args\":{\"name\":" + str(k) + "}}");
                return id;
            });
            tids.computeIfAbsent(s.process() + "\u0000" + s.thread(), k -> {
                int id = tids.size() + 1;
                meta.add("{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":" + pid + ",\"tid\":" + id
                        + ",\"args\":{\"name\":" + str(s.thread()) + "}}");
                return id;
            });
        }
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
            boolean first = true;
            for (String m : meta) {
                w.write(first ? "" : ",\n");
                w.write(m);
                first = false;
            }
            for (Span s : spans) {
                w.write(first ? "" : ",\n");
                first = false;
                StringBuilder b = new StringBuilder(160);
                b.append("{\"ph\":\"X\",\"pid\":").append(pids.get(s.process()))
                        .append(",\"tid\":").append(tids.get(s.process() + "\u0000" + s.thread()))
                        .append(",\"name\":").append(str(s.name()))
                        .append(",\"cat\":").append(str(s.category()))
                        .append(",\"ts\":").append(String.format(java.util.Locale.ROOT, "%.3f", (s.startNs() - t0) / 1e3))
                        .append(",\"dur\":").append(String.format(java.util.Locale.ROOT, "%.3f", Math.max(0, s.durNs()) / 1e3));
                if (s.args() != null && !s.args().isEmpty()) {
                    b.append(",\"args\":{");
                    boolean f = true;
                    for (Map.Entry<String, Object> e : s.args().entrySet()) {
                        b.append(f ? "" : ",").append(str(e.getKey())).append(':');
                        Object v = e.getValue();
                        b.append(v instanceof Number ? v.toString() : str(String.valueOf(v)));
                        f = false;
                    }
                    b.append('}');
                }
                b.append('}');
                w.write(b.toString());
            }
            w.write("\n]}\n");
        }
    }

    static String str(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
