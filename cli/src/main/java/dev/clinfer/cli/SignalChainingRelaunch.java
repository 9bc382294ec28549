package dev.clinfer.cli;

import dev.clinfer.opencl.SignalChaining;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts the same command line again in a JVM with HotSpot's signal-chaining library preloaded,
 * when this one lacks it, so that PoCL's LLVM cannot displace the JVM's signal handlers (see
 * {@link SignalChaining}). Costs one JVM start (a few hundred milliseconds) on Linux; does nothing
 * where the library is already loaded, absent, or turned off with
 * {@code CLINFER_SIGNAL_CHAINING=off}. The child is marked so it never relaunches again.
 */
final class SignalChainingRelaunch {
    /** Environment variable: {@code off} runs in this JVM as it is. */
    static final String SWITCH = "CLINFER_SIGNAL_CHAINING";
    /** Set in the child's environment; a JVM that sees it does not relaunch. */
    static final String MARK = "CLINFER_RELAUNCHED";

    private SignalChainingRelaunch() {
    }

    /**
     * @param env the process environment
     * @return the command to start again (this JVM's own command line), or empty when not wanted or
     *         not known
     */
    static Optional<List<String>> command(Map<String, String> env) {
        if (env.containsKey(MARK) || "off".equalsIgnoreCase(env.get(SWITCH)) || !SignalChaining.missing()) {
            return Optional.empty();
        }
        ProcessHandle.Info info = ProcessHandle.current().info();
        if (info.command().isEmpty() || info.arguments().isEmpty()) {
            return Optional.empty();
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(info.command().get());
        cmd.addAll(List.of(info.arguments().get()));
        return Optional.of(cmd);
    }

    /**
     * Runs {@code cmd} with the library preloaded, sharing this process's standard streams, and
     * waits for it.
     *
     * @param cmd the command line
     * @return its exit code, or empty when it could not start (then this JVM carries on)
     */
    static Optional<Integer> run(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        Map<String, String> env = pb.environment();
        String preload = env.get("LD_PRELOAD");
        env.put("LD_PRELOAD", SignalChaining.library() + (preload == null || preload.isBlank() ? "" : ":" + preload));
        env.put(MARK, "1");
        Process p;
        try {
            p = pb.start();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        // a terminated parent takes the child along (Ctrl-C reaches both anyway)
        Thread reaper = new Thread(p::destroy, "clinfer-relaunch-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        try {
            return Optional.of(p.waitFor());
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            return Optional.of(Main.EXIT_FAILURE);
        }
    }
}
