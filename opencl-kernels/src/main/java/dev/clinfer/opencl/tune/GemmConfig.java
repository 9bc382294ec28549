package dev.clinfer.opencl.tune;

/**
 * One variant of gemm.cl's register-blocked CPU kernels: each work-item keeps {@code rm} rows x
 * {@code nv * vw} columns of the output in {@code floatVW} registers. Products with at least
 * {@code packMinM} rows copy a B whose rows alias in cache (a row stride of a multiple of 128
 * floats) into column panels first ({@code gemm_pack_b}), so the kernel streams contiguous
 * memory; smaller ones read B in place, where the copy would not pay. (A B with non-contiguous
 * columns is always packed.)
 *
 * @param vw       vector width (4, 8 or 16)
 * @param nv       vectors per row of the block (at most 4)
 * @param rm       rows per block (at most 8)
 * @param packMinM smallest M that packs B (Integer.MAX_VALUE: never)
 */
public record GemmConfig(int vw, int nv, int rm, int packMinM) {
    /** The choice without tuning: 6 x 16, whose 12 accumulators fit AVX2's 16 vector registers. */
    public static final GemmConfig CPU_DEFAULT = new GemmConfig(8, 2, 6, 128);

    /** @param m the new packing threshold @return this block with it */
    public GemmConfig withPackMinM(int m) {
        return new GemmConfig(vw, nv, rm, m);
    }

    /** @return columns per block */
    public int nr() {
        return nv * vw;
    }

    /** @return the -D options that build this variant */
    public String options() {
        return "-DVW=" + vw + " -DNV=" + nv + " -DRM=" + rm;
    }

    /** @return the compact form {@link #parse} reads, e.g. {@code 8x2x6p128} */
    public String encode() {
        return vw + "x" + nv + "x" + rm + "p" + packMinM;
    }

    /**
     * @param s a value written by {@link #encode}
     * @return the config
     * @throws IllegalArgumentException when malformed or out of range
     */
    public static GemmConfig parse(String s) {
        try {
            String[] p = s.trim().split("p", 2);
            String[] d = p[0].split("x");
            GemmConfig c = new GemmConfig(Integer.parseInt(d[0]), Integer.parseInt(d[1]), Integer.parseInt(d[2]),
                    Integer.parseInt(p[1]));
            boolean ok = (c.vw == 4 || c.vw == 8 || c.vw == 16) && c.nv >= 1 && c.nv <= 4 && c.rm >= 1 && c.rm <= 8
                    && c.packMinM >= 1;
            if (!ok || d.length != 3) {
                throw new IllegalArgumentException("GEMM config out of range: " + s);
            }
            return c;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad GEMM config '" + s + "' (want e.g. 8x2x6p128)", e);
        }
    }
}
