package dev.clinfer.opencl;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Guards program builds on PoCL. A build there could fail with no log but "unable to rename
 * temporary '.../kcache/tempfile_*.preproc-*.cl.tmp'" on stderr, and the process could die with
 * SIGSEGV shortly after. The main cause is the JVM running without signal chaining (see
 * {@link SignalChaining}: LLVM's signal handler deletes the compiler's temporary files); PoCL's
 * kernel cache is also not safe to share between processes (PoCL issue 1480). What remains here
 * is cheap insurance:
 *
 * <ul>
 *   <li>On PoCL every build (create from source or binary, build, read the log) holds one
 *   process-wide lock; other platforms build in parallel. {@code -Dclinfer.serialBuilds=true|false}
 *   forces the choice.</li>
 *   <li>A PoCL build that fails without source diagnostics is retried (3 attempts in all); a genuine
 *   compile error, whose log names the source line, is not.</li>
 * </ul>
 */
public final class ClBuildGuard {
    private static final Logger LOG = Logger.getLogger(ClBuildGuard.class.getName());
    private static final int ATTEMPTS = 3;
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final String SERIAL = System.getProperty("clinfer.serialBuilds", "auto");

    private ClBuildGuard() {
    }

    /**
     * @param device the device the program is built for
     * @param build  one build attempt (create the program, build it, read the log)
     * @param <T>    what the build returns
     * @return the build's result
     */
    public static <T> T build(ClDevice device, Supplier<T> build) {
        SignalChaining.warnIfMissing(device);
        for (int attempt = 1; ; attempt++) {
            try {
                return attempt(device, build);
            } catch (ClBuildException e) {
                if (attempt >= ATTEMPTS || !transientFailure(device, e)) {
                    throw e;
                }
                LOG.warning("program build on " + device + " failed without a compiler log (attempt " + attempt
                        + " of " + ATTEMPTS + "; its temporary files went missing): retrying");
            }
        }
    }

    private static <T> T attempt(ClDevice device, Supplier<T> build) {
        if (!serialises(device)) {
            return build.get();
        }
        LOCK.lock();
        try {
            return build.get();
        } finally {
            LOCK.unlock();
        }
    }

    /** @param device a device @return whether its builds take the process-wide lock */
    static boolean serialises(ClDevice device) {
        if (!SERIAL.equals("auto")) {
            return Boolean.parseBoolean(SERIAL);
        }
        return isPocl(device);
    }

    private static boolean isPocl(ClDevice device) {
        return device.platformName().contains("Portable Computing Language");
    }

    /** @return whether the failure is PoCL's build failing with no diagnostics about the source */
    static boolean transientFailure(ClDevice device, ClBuildException e) {
        if (!isPocl(device)) {
            return false;
        }
        String log = e.log() == null ? "" : e.log();
        return log.isBlank() || log.contains("unable to rename temporary");
    }
}
