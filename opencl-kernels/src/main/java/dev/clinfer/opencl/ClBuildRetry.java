package dev.clinfer.opencl;

import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Retries program builds that failed for a reason outside the program. PoCL keeps its compiler's
 * temporary files in its kernel cache (~/.cache/pocl/kcache, or POCL_CACHE_DIR), and when several
 * processes share that folder a build sometimes fails with no log but "unable to rename temporary
 * '.../kcache/tempfile_*.preproc-*.cl.tmp'" on stderr (PoCL issue 1480: "pocl crashes when multiple
 * processes access the kernel cache"). Such a build succeeds when repeated; a genuine compile error
 * (which leaves a log naming the source line) is not retried.
 */
public final class ClBuildRetry {
    private static final Logger LOG = Logger.getLogger(ClBuildRetry.class.getName());
    private static final int ATTEMPTS = 3;

    private ClBuildRetry() {
    }

    /**
     * @param device the device the program is built for
     * @param build  one build attempt (create the program, build it, read the log)
     * @param <T>    what the build returns
     * @return the build's result
     */
    public static <T> T build(ClDevice device, Supplier<T> build) {
        for (int attempt = 1; ; attempt++) {
            try {
                return build.get();
            } catch (ClBuildException e) {
                if (attempt >= ATTEMPTS || !transientFailure(device, e)) {
                    throw e;
                }
                LOG.warning("program build on " + device + " failed without a compiler log (attempt " + attempt
                        + " of " + ATTEMPTS + "; a PoCL kernel-cache race when processes share it): retrying");
            }
        }
    }

    /** @return whether the failure is PoCL's build failing with no diagnostics about the source */
    static boolean transientFailure(ClDevice device, ClBuildException e) {
        if (!device.platformName().contains("Portable Computing Language")) {
            return false;
        }
        String log = e.log() == null ? "" : e.log();
        return log.isBlank() || log.contains("unable to rename temporary");
    }
}
