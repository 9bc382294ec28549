package dev.clinfer.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints rows as markdown tables and writes them as CSV. */
public final class Report {
    private Report() {
    }

    /**
     * The main table, then GFLOP/s side by side for GEMM rows.
     *
     * @param rows rows in run order
     * @param out  where to print
     */
    public static void markdown(List<Row> rows, PrintStream out) {
        out.println("| model | input | T | path | clinfer median ms | clinfer p90 ms | ORT median ms | ORT p90 ms"
                + " | clinfer/ORT | clinfer peak RSS MiB | ORT peak RSS MiB | outputs vs ORT |");
        out.println("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", r.model(),
                    r.input(), r.threads(), r.path(), ms(r.medianMs()), ms(r.p90Ms()), ms(r.ortMedianMs()),
                    ms(r.ortP90Ms()), ratio(r.ratio()), mib(r.peakMib()), mib(r.ortPeakMib()),
                    r.check() + (Double.isNaN(r.maxAbsDiff()) ? "" : String.format(Locale.ROOT, " (max |d| %.1e)",
                            r.maxAbsDiff())));
        }
        List<Row> gemm = rows.stream().filter(r -> r.flops() > 0).toList();
        if (!gemm.isEmpty()) {
            out.println();
            out.println("| GEMM | T | clinfer path | clinfer GFLOP/s | ORT GFLOP/s | clinfer median ms | ORT median ms |");
            out.println("|---|---:|---|---:|---:|---:|---:|");
            for (Row r : gemm) {
                out.printf(Locale.ROOT, "| %s | %d | %s | %.1f | %.1f | %s | %s |%n", r.input(), r.threads(),
                        r.path(), r.gflops(), r.ortGflops(), ms(r.medianMs()), ms(r.ortMedianMs()));
            }
        }
        Map<String, String> notes = new LinkedHashMap<>();
        for (Row r : rows) {
            if (!r.note().isEmpty()) {
                notes.merge(r.model() + " T=" + r.threads() + " " + r.path(), r.note(), (a, b) -> a);
            }
        }
        if (!notes.isEmpty()) {
            out.println();
            notes.forEach((k, v) -> out.println("- " + k + ": " + v));
        }
    }

    /**
     * @param rows rows
     * @param file CSV file to write (overwritten)
     * @throws IOException when it cannot be written
     */
    public static void csv(List<Row> rows, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("model,input,threads,path,device,rounds,clinfer_median_ms,clinfer_p90_ms,ort_median_ms,ort_p90_ms,"
                + "ratio,clinfer_peak_rss_mib,ort_peak_rss_mib,clinfer_direct_mib,check,max_abs_diff,"
                + "clinfer_gflops,ort_gflops,note,loadavg");
        for (Row r : rows) {
            lines.add(String.join(",", q(r.model()), q(r.input()), String.valueOf(r.threads()), q(r.path()),
                    q(r.device()), String.valueOf(r.rounds()), num(r.medianMs()), num(r.p90Ms()),
                    num(r.ortMedianMs()), num(r.ortP90Ms()), num(r.ratio()), num(r.peakMib()), num(r.ortPeakMib()),
                    num(r.directMib()), q(r.check()), num(r.maxAbsDiff()), num(r.gflops()), num(r.ortGflops()),
                    q(r.note()), q(r.load())));
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, lines);
    }

    private static String q(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"").replace("\n", " ") + "\"";
        }
        return s;
    }

    private static String num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "" : String.format(Locale.ROOT, "%.4g", v);
    }

    private static String ms(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
    }

    private static String ratio(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "–" : String.format(Locale.ROOT, "%.2f×", v);
    }

    private static String mib(double v) {
        return Double.isNaN(v) ? "–" : String.valueOf(Math.round(v) == 0 ? 0 : Math.round(v));
    }
}
