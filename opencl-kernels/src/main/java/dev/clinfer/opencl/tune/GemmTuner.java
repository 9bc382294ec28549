package dev.clinfer.opencl.tune;

import dev.clinfer.opencl.ClDevice;
import dev.clinfer.opencl.ProgramCache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Picks gemm.cl's register-blocked CPU variant per device: at first use it times a few
 * candidates (see {@link #candidates}) on representative products and keeps the fastest, in
 * memory and in a record next to the program binaries ({@link ProgramCache#recordPath}), so
 * later processes reuse the choice at no cost. Candidates are trial builds outside the program
 * cache (storing a binary makes PoCL generate code for every kernel of the program), so tuning
 * costs about one compile per candidate, once per device and driver.
 *
 * <p>Tuning runs in {@link #tune}, which a session calls with its own {@link ProgramCache} when
 * it opens a CPU-like device, so the trial programs live in a context the caller owns for the
 * whole run. {@link #config} only reads the outcome. Tuning needs the disk cache (without it
 * every process would pay the compiles again); without it, before tuning, and when the system
 * property {@value #PROPERTY} is {@code off}, the untuned {@link GemmConfig#CPU_DEFAULT}
 * applies. The property may also name a config ({@code 8x2x6p128}) to force it. Tuning is
 * logged at INFO with its duration and choice.
 */
public final class GemmTuner {
    /** System property: {@code off}, or a forced config such as {@code 8x2x6p128}. */
    public static final String PROPERTY = "clinfer.gemm.tune";
    /** Part of the record's key: bump when candidates or kernels change what wins. */
    static final String VERSION = "gemm-tune-1";
    private static final Logger LOG = Logger.getLogger(GemmTuner.class.getName());
    /** M, K, N of the block-choosing product: a 3 x 3 convolution of 128 channels on 28 x 28 (103 MFLOP). */
    static final int[] BLOCK = {128, 512, 784};
    /** A product whose B rows alias in cache (2 KiB apart, K long), to see whether packing pays at all. */
    static final int[] ALIASED = {256, 1024, 512};
    /** A thin one: two sequences of 16 tokens through a 384 x 1536 feed-forward weight. */
    static final int[] THIN = {32, 384, 1536};
    private static final ConcurrentHashMap<String, GemmConfig> CHOSEN = new ConcurrentHashMap<>();

    private GemmTuner() {
    }

    /**
     * @param device a CPU-like device (GPUs use the tiled kernel and never ask)
     * @return the variant to build and launch there: forced by {@value #PROPERTY}, else the
     *         device's tuned or recorded choice, else the untuned default
     */
    public static GemmConfig config(ClDevice device) {
        GemmConfig forced = forced();
        if (forced != null) {
            return forced;
        }
        GemmConfig c = CHOSEN.get(memoKey(device));
        if (c != null) {
            return c;
        }
        Path record = ProgramCache.recordPath(device, VERSION);
        c = record == null ? null : load(record);
        if (c == null) {
            return GemmConfig.CPU_DEFAULT;
        }
        CHOSEN.putIfAbsent(memoKey(device), c);
        return c;
    }

    /**
     * Makes sure the device of {@code programs} has a choice: the one held in memory or recorded
     * on disk, else a tuning run in that cache's context (once per device and process; callers
     * on other threads wait for it). Does nothing when {@value #PROPERTY} is set or the disk
     * cache is off.
     *
     * @param programs an open cache the caller keeps open until this returns
     * @param probe    makes the timer of a tuning run
     * @return the choice, the untuned default when tuning is off or failed
     */
    public static GemmConfig tune(ProgramCache programs, Supplier<GemmProbe> probe) {
        ClDevice device = programs.context().device();
        GemmConfig forced = forced();
        if (forced != null) {
            return forced;
        }
        String key = memoKey(device);
        synchronized (CHOSEN) {
            GemmConfig c = CHOSEN.get(key);
            if (c != null) {
                return c;
            }
            Path record = ProgramCache.recordPath(device, VERSION);
            c = record == null ? null : resolve(programs, probe, record);
            if (c == null) {
                return GemmConfig.CPU_DEFAULT;
            }
            CHOSEN.put(key, c);
            return c;
        }
    }

    /** @return the config the system property forces, or null when it leaves the choice to tuning */
    private static GemmConfig forced() {
        String p = System.getProperty(PROPERTY);
        if (p == null || p.isBlank()) {
            return null;
        }
        return p.equalsIgnoreCase("off") ? GemmConfig.CPU_DEFAULT : GemmConfig.parse(p);
    }

    /**
     * The choice recorded in a file, else a tuning run whose result is written there.
     *
     * @param programs where a tuning run builds and times its candidates
     * @param probe    makes the timer of a tuning run
     * @param record   where the choice is kept
     * @return the choice, or null when there is none and the tuning run failed
     */
    public static GemmConfig resolve(ProgramCache programs, Supplier<GemmProbe> probe, Path record) {
        GemmConfig c = load(record);
        return c != null ? c : tuneAndStore(programs, probe, programs.context().device(), record);
    }

    /** Forgets the choices held in memory (tests; records on disk stay). */
    static void forget() {
        CHOSEN.clear();
    }

    /**
     * The small candidate set: every new option string costs a compile (PoCL: about a second
     * each, so four keep tuning to a few seconds). Blocks of 12 accumulators: with 8-float
     * vectors they fit the 16 vector registers of AVX2 (and the untuned default is one of them);
     * with 16-float vectors they use AVX-512's 32 registers, and elsewhere lose the timing.
     *
     * @param device the device (all CPU-like devices share the set for now)
     * @return the candidates, the untuned default first
     */
    public static List<GemmConfig> candidates(ClDevice device) {
        int pm = GemmConfig.CPU_DEFAULT.packMinM();
        return List.of(GemmConfig.CPU_DEFAULT, new GemmConfig(8, 3, 4, pm), new GemmConfig(16, 2, 6, pm),
                new GemmConfig(16, 4, 3, pm));
    }

    /**
     * Times every candidate on a product shaped like a convolution's (B read in place) and keeps
     * the fastest; then, for that block, decides from how many rows packing a cache-aliasing B
     * pays: already on a thin product (32 rows, as a short transformer sequence), only on a
     * large one, or never.
     *
     * @param programs   where candidates build and run
     * @param probe      the timer
     * @param candidates variants to try
     * @return the choice
     */
    static GemmConfig pick(ProgramCache programs, GemmProbe probe, List<GemmConfig> candidates) {
        GemmConfig best = null;
        double bestS = Double.MAX_VALUE;
        for (GemmConfig c : candidates) {
            double s = probe.seconds(programs, c, BLOCK[0], BLOCK[1], BLOCK[2]);
            LOG.fine(() -> "GEMM candidate " + c.encode() + ": " + s * 1e3 + " ms");
            if (s < bestS) {
                bestS = s;
                best = c;
            }
        }
        GemmConfig pack = best.withPackMinM(1);
        GemmConfig inPlace = best.withPackMinM(Integer.MAX_VALUE);
        int packMinM;
        if (packs(programs, probe, pack, inPlace, THIN)) {
            packMinM = 1;
        } else if (packs(programs, probe, pack, inPlace, ALIASED)) {
            packMinM = GemmConfig.CPU_DEFAULT.packMinM();
        } else {
            packMinM = Integer.MAX_VALUE;
        }
        return best.withPackMinM(packMinM);
    }

    /** @return true when the product of the given M, K, N ran faster with B packed */
    private static boolean packs(ProgramCache programs, GemmProbe probe, GemmConfig pack, GemmConfig inPlace, int[] mkn) {
        double p = probe.seconds(programs, pack, mkn[0], mkn[1], mkn[2]);
        double i = probe.seconds(programs, inPlace, mkn[0], mkn[1], mkn[2]);
        LOG.fine(() -> String.format("GEMM %dx%dx%d: packed %.3f ms, in place %.3f ms", mkn[0], mkn[1], mkn[2],
                p * 1e3, i * 1e3));
        return p < i;
    }

    private static GemmConfig tuneAndStore(ProgramCache programs, Supplier<GemmProbe> probe, ClDevice device,
                                           Path record) {
        long t0 = System.nanoTime();
        GemmConfig c;
        try (GemmProbe p = probe.get()) {
            c = pick(programs, p, candidates(device));
        } catch (RuntimeException e) {
            LOG.warning("GEMM tuning on " + device + " failed, using defaults: " + e);
            return null;
        }
        LOG.info(String.format("GEMM tuned on %s in %.1f s: %s", device, (System.nanoTime() - t0) / 1e9, c.encode()));
        try {
            ProgramCache.write(record, (c.encode() + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.fine("cannot write GEMM tuning record " + record + ": " + e.getMessage());
        }
        return c;
    }

    /** @return the stored choice, or null when absent or unreadable (then it is tuned again) */
    static GemmConfig load(Path record) {
        try {
            return Files.isRegularFile(record) ? GemmConfig.parse(Files.readString(record, StandardCharsets.UTF_8)) : null;
        } catch (IOException | IllegalArgumentException e) {
            LOG.fine("GEMM tuning record " + record + " unreadable (" + e.getMessage() + "); tuning again");
            return null;
        }
    }

    private static String memoKey(ClDevice d) {
        return d.id() + "\u0000" + d.name() + "\u0000" + d.driverVersion() + "\u0000" + d.platformVersion();
    }
}
