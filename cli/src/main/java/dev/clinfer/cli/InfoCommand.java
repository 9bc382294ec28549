package dev.clinfer.cli;

import dev.clinfer.api.ClinferException;
import dev.clinfer.api.ModelInfo;
import dev.clinfer.api.Session;
import dev.clinfer.api.TensorInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code clinfer info}: what a model is made of and what it needs. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Shows a model's producer, IR version, opsets, inputs and outputs (with symbolic dims), "
                + "op types, parameter count, what the load-time passes did, and the peak activation memory "
                + "of one request.")
public final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "An .onnx file.")
    Path model;

    @Mixin
    DeviceOptions deviceOptions;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(model)) {
            throw new ClinferException(Files.isDirectory(model) ? "model '" + model + "' is a folder, not an .onnx file"
                    : "model file not found: " + model);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Session session = Session.create(model, deviceOptions.toSessionOptions())) {
            ModelInfo m = session.modelInfo();
            out.println("model:       " + model);
            out.println("producer:    " + (m.producer().isEmpty() ? "(not recorded)" : m.producer()));
            out.println("IR version:  " + m.irVersion());
            out.println("opsets:      " + opsets(m.opsets()));
            for (Map.Entry<String, String> e : m.metadata().entrySet()) {
                out.println("metadata:    " + e.getKey() + " = " + e.getValue());
            }
            out.println("device:      " + session.device());
            out.println("inputs:");
            for (TensorInfo t : m.inputs()) {
                out.println("  " + t);
            }
            out.println("outputs:");
            for (TensorInfo t : m.outputs()) {
                out.println("  " + t);
            }
            out.printf(Locale.ROOT, "parameters:  %,d (initializers and Constant-node tensors)%n", m.parameterCount());
            int loaded = m.opHistogram().values().stream().mapToInt(Integer::intValue).sum();
            out.printf(Locale.ROOT, "nodes:       %d as loaded, %d after passes (%d folded into constants, %d dead "
                    + "nodes removed)%n", loaded, m.nodesAfterPasses(), m.foldedNodes(), m.removedNodes());
            out.println("op types (as loaded):" + (m.opHistogram().isEmpty() ? " (none)" : ""));
            int width = m.opHistogram().keySet().stream().mapToInt(String::length).max().orElse(0);
            for (Map.Entry<String, Integer> e : m.opHistogram().entrySet()) {
                out.printf(Locale.ROOT, "  %-" + width + "s %6d%n", e.getKey(), e.getValue());
            }
            printFusions(out, m, session);
            printMemory(out, m);
            printPlacement(out, session);
        }
        return 0;
    }

    /** Which lane runs each node: counts per lane, and the op types left on the Java CPU lane. */
    private static void printPlacement(PrintWriter out, Session session) {
        Map<String, String> placement = session.placement();
        Map<String, Integer> perLane = new java.util.TreeMap<>();
        placement.values().forEach(l -> perLane.merge(l, 1, Integer::sum));
        out.println("placement (" + placement.size() + " nodes after passes):");
        perLane.forEach((lane, n) -> out.printf(Locale.ROOT, "  %-24s %d nodes%n", lane, n));
        if (perLane.size() > 1) {
            Map<String, Integer> cpuOps = new java.util.TreeMap<>();
            Map<String, String> opOf = session.nodeOpTypes();
            placement.forEach((node, lane) -> {
                if (lane.equals("java")) {
                    cpuOps.merge(opOf.getOrDefault(node, "?"), 1, Integer::sum);
                }
            });
            out.println("  on the Java CPU lane: " + cpuOps);
        }
    }

    /** The graph rewrites that fired, with counts (names as the optimiser reports them). */
    private static void printFusions(PrintWriter out, ModelInfo m, Session session) {
        if (m.fusions().isEmpty()) {
            out.println("graph rewrites: none fired");
            return;
        }
        out.println("graph rewrites:");
        int width = m.fusions().keySet().stream().mapToInt(String::length).max().orElse(0);
        for (Map.Entry<String, Integer> e : m.fusions().entrySet()) {
            out.printf(Locale.ROOT, "  %-" + width + "s %6d%n", e.getKey(), e.getValue());
        }
        Map<String, Integer> fused = new java.util.TreeMap<>();
        // Fused op types left after the passes, so a reader sees where the rewrites went.
        session.nodeOpTypes().values().forEach(op -> {
            if (op.startsWith("Fused") || op.equals("LayerNormalization")) {
                fused.merge(op, 1, Integer::sum);
            }
        });
        if (!fused.isEmpty()) {
            out.println("  fused nodes after passes: " + fused);
        }
    }

    private static void printMemory(PrintWriter out, ModelInfo m) {
        if (m.peakActivationBytes() < 0) {
            out.println("peak activation memory: unknown (no activation size is known before running)");
            return;
        }
        out.println("peak activation memory: " + bytes(m.peakActivationBytes()) + " per request, with buffer reuse");
        out.println("                        " + bytes(m.activationBytesWithoutReuse()) + " without reuse");
        out.println("  (planned statically with symbolic dims taken as 1"
                + (m.unplannedValues() > 0 ? "; " + m.unplannedValues() + " values sized only at run time are "
                + "not counted" : "") + ")");
    }

    /** @return e.g. {@code 3.46 MB (3,456,789 bytes)} */
    static String bytes(long n) {
        return String.format(Locale.ROOT, "%.2f MB (%,d bytes)", n / 1e6, n);
    }

    private static String opsets(Map<String, Integer> opsets) {
        List<String> l = new ArrayList<>();
        for (Map.Entry<String, Integer> e : opsets.entrySet()) {
            l.add((e.getKey().isEmpty() ? "ai.onnx" : e.getKey()) + " " + e.getValue());
        }
        return l.isEmpty() ? "(none)" : String.join(", ", l);
    }
}
