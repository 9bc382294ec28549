package dev.clinfer.bench;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a benchmark main again in a child JVM with PoCL's thread count set, because PoCL reads
 * {@code POCL_MAX_PTHREAD_COUNT} (and, from PoCL 5, {@code POCL_CPU_MAX_CU_NUM}) once, when it starts,
 * and a running JVM cannot change its own environment.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * @param mainClass a class whose code source must be on {@code java.class.path}
     * @return whether a child started with this JVM's class path would find it (false under
     *         {@code exec:java}, whose class path is Maven's)
     */
    public static boolean canRelaunch(Class<?> mainClass) {
        try {
            Path self = Path.of(mainClass.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toAbsolutePath().normalize();
            for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
                if (!e.isEmpty() && Path.of(e).toAbsolutePath().normalize().equals(self)) {
                    return true;
                }
            }
        } catch (Exception e) {
            return false;
        }
        return false;
    }

    /**
     * @return whether PoCL in this JVM was started with {@code threads} threads
     * @param threads the wanted count
     */
    public static boolean poclPinnedTo(int threads) {
        return String.valueOf(threads).equals(System.getenv("POCL_MAX_PTHREAD_COUNT"));
    }

    /**
     * Runs {@code mainClass} with {@code args} in a child JVM (same java, JVM options and class path) whose
     * PoCL thread count is {@code threads}; its output goes to ours.
     *
     * @param mainClass the main class
     * @param args      its arguments
     * @param threads   PoCL threads
     * @return the child's exit status
     * @throws Exception when it cannot start or is interrupted
     */
    public static int run(Class<?> mainClass, List<String> args, int threads) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put("POCL_MAX_PTHREAD_COUNT", String.valueOf(threads));
        pb.environment().put("POCL_CPU_MAX_CU_NUM", String.valueOf(threads));
        return pb.start().waitFor();
    }
}
