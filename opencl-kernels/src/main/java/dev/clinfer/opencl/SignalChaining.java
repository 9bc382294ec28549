package dev.clinfer.opencl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Whether the JVM's signal handlers are protected from native code by HotSpot's signal chaining
 * library ({@code libjsig.so}, preloaded with {@code LD_PRELOAD}).
 *
 * <p>Why it matters: PoCL compiles kernels with LLVM, and LLVM's {@code RemoveFileOnSignal}
 * installs process-wide handlers for SIGSEGV and friends. The JVM raises SIGSEGV on purpose
 * (safepoint polls, implicit null checks); while LLVM's handler is installed such a signal lands
 * there, which deletes the compiler's temporary files (a build then fails with "unable to rename
 * temporary ... .cl.tmp") and can kill the process outright (SIGSEGV without an hs_err file).
 * Seen in the soak test on PoCL 3.1 with cold caches, where it also made builds fail; both stopped
 * with {@code libjsig.so} preloaded. With it, handlers that native code installs are chained
 * behind the JVM's instead of replacing them.
 */
public final class SignalChaining {
    private static final Logger LOG = Logger.getLogger(SignalChaining.class.getName());
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static volatile Boolean active;

    private SignalChaining() {
    }

    /** @return the running JVM's {@code libjsig.so} (which may not exist, as on non-HotSpot JVMs) */
    public static Path library() {
        return Path.of(System.getProperty("java.home"), "lib", "libjsig.so");
    }

    /** @return true when {@code libjsig} is mapped into this process (Linux; false where unknown) */
    public static boolean active() {
        Boolean a = active;
        if (a == null) {
            a = mapped(Path.of("/proc/self/maps"));
            active = a;
        }
        return a;
    }

    static boolean mapped(Path maps) {
        try {
            return Files.isReadable(maps) && Files.readString(maps).contains("/libjsig.so");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** @return true on Linux with a {@code libjsig.so} that could be preloaded but is not */
    public static boolean missing() {
        return System.getProperty("os.name", "").startsWith("Linux") && !active() && Files.isRegularFile(library());
    }

    /**
     * Logs one warning per process when the device's driver compiles with LLVM in this process
     * (PoCL) and the JVM runs without signal chaining.
     *
     * @param device the device about to build or run kernels
     */
    public static void warnIfMissing(ClDevice device) {
        // called on every build: the cheap tests first, the file lookup in missing() last
        if (WARNED.get() || !isPocl(device) || !missing() || !WARNED.compareAndSet(false, true)) {
            return;
        }
        LOG.warning("PoCL compiles kernels with LLVM, whose signal handlers displace the JVM's: builds may fail"
                + " and the process may crash. Start the JVM with LD_PRELOAD=" + library()
                + " (the clinfer command does this itself).");
    }

    static boolean isPocl(ClDevice device) {
        return device.platformName().contains("Portable Computing Language");
    }
}
