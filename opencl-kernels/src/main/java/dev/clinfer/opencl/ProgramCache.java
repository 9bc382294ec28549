package dev.clinfer.opencl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Builds each (source, options) program once per context, and keeps device binaries on disk so
 * a later process starts warm. The key covers the source, options, device name, driver and
 * platform version and the engine version. Writes are atomic (temp file + move); an entry the
 * driver rejects is rebuilt from source and overwritten. Directory: {@code CLINFER_CACHE_DIR},
 * else the system property {@code clinfer.cache.dir}, else {@code ~/.cache/clinfer}; the value
 * {@code off} disables the disk cache.
 */
public final class ProgramCache implements AutoCloseable {
    /** Bumped whenever kernels change meaning without changing their text (part of the key). */
    public static final String ENGINE_VERSION = "0.1.0";
    private static final Logger LOG = Logger.getLogger(ProgramCache.class.getName());

    private final ClContext context;
    private final Path dir;
    private final ConcurrentHashMap<String, ClProgram> programs = new ConcurrentHashMap<>();
    private final AtomicLong diskHits = new AtomicLong();
    private final AtomicLong builds = new AtomicLong();

    /** @param context the context programs are built in */
    public ProgramCache(ClContext context) {
        this.context = context;
        this.dir = cacheDir();
    }

    /** @return the context this cache builds programs in */
    public ClContext context() {
        return context;
    }

    /**
     * A file in the disk cache for small per-device records (tuning choices), named from the
     * given parts plus the device, driver, platform and engine version, as program entries are.
     *
     * @param device the device the record is about
     * @param parts  what else distinguishes the record
     * @return the path (which may not exist), or null when the disk cache is off
     */
    public static Path recordPath(ClDevice device, String... parts) {
        Path dir = cacheDir();
        if (dir == null) {
            return null;
        }
        String[] all = java.util.Arrays.copyOf(parts, parts.length + 1);
        all[parts.length] = "record";
        return dir.resolve(key(device, all) + ".txt");
    }

    /** @return the disk cache folder, or null when disabled */
    public static Path cacheDir() {
        String v = System.getenv("CLINFER_CACHE_DIR");
        if (v == null || v.isBlank()) {
            v = System.getProperty("clinfer.cache.dir");
        }
        if (v != null && v.equalsIgnoreCase("off")) {
            return null;
        }
        return v != null && !v.isBlank() ? Path.of(v) : Path.of(System.getProperty("user.home"), ".cache", "clinfer");
    }

    /**
     * @param file    source file under dev/clinfer/kernels
     * @param options build options
     * @return the built program (owned by this cache)
     * @throws ClBuildException with the compiler log
     */
    public ClProgram get(String file, String options) {
        String source = KernelSources.get(file);
        String memo = file + "\u0000" + options;
        ClProgram p = programs.get(memo);
        if (p != null) {
            return p;
        }
        synchronized (programs) {
            p = programs.get(memo);
            if (p == null) {
                p = load(source, options);
                programs.put(memo, p);
            }
            return p;
        }
    }

    /**
     * Builds a program from source without the memo or the disk cache, for trial builds that
     * will mostly be thrown away (the GEMM auto-tuner's candidates): storing a binary makes
     * PoCL generate code for every kernel of the program, most of a trial's cost.
     *
     * @param file    source file under dev/clinfer/kernels
     * @param options build options
     * @return the program, owned by the caller
     * @throws ClBuildException with the compiler log
     */
    public ClProgram buildUncached(String file, String options) {
        return context.buildProgram(KernelSources.get(file), options);
    }

    private ClProgram load(String source, String options) {
        Path entry = dir == null ? null : dir.resolve(key(source, options) + ".bin");
        if (entry != null && Files.isRegularFile(entry)) {
            try {
                ClProgram p = context.buildProgramFromBinary(dev.clinfer.util.FileBytes.read(entry), options);
                diskHits.incrementAndGet();
                return p;
            } catch (ClException | IOException e) {
                LOG.fine("program cache entry " + entry + " rejected (" + e.getMessage() + "); rebuilding");
            }
        }
        long t0 = System.nanoTime();
        ClProgram p = context.buildProgram(source, options);
        builds.incrementAndGet();
        LOG.fine(() -> String.format("built %s in %.0f ms", options, (System.nanoTime() - t0) / 1e6));
        if (entry != null) {
            store(entry, p);
        }
        return p;
    }

    private static void store(Path entry, ClProgram p) {
        try {
            write(entry, p.binary());
        } catch (IOException | ClException e) {
            LOG.fine("cannot write program cache entry " + entry + ": " + e.getMessage());
        }
    }

    /**
     * Writes a cache file atomically (temp file + move), so readers never see half of it.
     *
     * @param entry the file
     * @param bytes its content
     * @throws IOException when it cannot be written
     */
    public static void write(Path entry, byte[] bytes) throws IOException {
        Files.createDirectories(entry.getParent());
        Path tmp = Files.createTempFile(entry.getParent(), "entry", ".tmp");
        try {
            dev.clinfer.util.FileBytes.write(tmp, bytes);
            try {
                Files.move(tmp, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, entry, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private String key(String source, String options) {
        return key(context.device(), source, options);
    }

    private static String key(ClDevice d, String... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            String[] all = java.util.Arrays.copyOf(parts, parts.length + 5);
            System.arraycopy(new String[] {d.name(), d.driverVersion(), d.platformName(), d.platformVersion(),
                ENGINE_VERSION}, 0, all, parts.length, 5);
            for (String s : all) {
                md.update(s.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return programs loaded from disk */
    public long diskHits() {
        return diskHits.get();
    }

    /** @return programs compiled from source */
    public long builds() {
        return builds.get();
    }

    @Override
    public void close() {
        programs.values().forEach(ClProgram::close);
        programs.clear();
    }
}
