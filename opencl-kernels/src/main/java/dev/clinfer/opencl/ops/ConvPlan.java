package dev.clinfer.opencl.ops;

import dev.clinfer.opencl.ClDevice;

/**
 * How one Conv runs on a device: a GEMM on the input as is (1x1, unit stride, no padding),
 * the direct kernel of conv_direct.cl specialised per shape class, or im2col + GEMM. Also
 * names the build options of the direct kernel, so a session can build them when it is created.
 */
final class ConvPlan {
    /** Source file of the direct kernel. */
    static final String DIRECT_PROGRAM = "conv_direct.cl";
    /** Source file of the one-tap ConvTranspose kernel. */
    static final String TRANSPOSE_PROGRAM = "conv_transpose.cl";

    /**
     * Tests and benchmarks only: "gemm" or "direct" to override the rule, "padded" for the direct
     * kernel on a padded copy even for depthwise (null: the rule).
     */
    static volatile String force;

    /** The ways a Conv runs. */
    enum Kind {
        /** Y = W x X per image, no copy. */
        POINTWISE,
        /** conv_direct.cl. */
        DIRECT,
        /**
         * conv_direct.cl's depthwise kernels: through a local tile of zero-padded input rows, or
         * on the input in place where a row is too wide for the tile (no padded copy either way).
         */
        DEPTHWISE,
        /** conv_transpose.cl (a ConvTranspose with one tap per output pixel). */
        TRANSPOSE,
        /** im2col into a scratch buffer, then a GEMM. */
        IM2COL
    }

    final Kind kind;
    /** Build options of conv_direct.cl (DIRECT only). */
    final String options;
    /** Output channels per work-item (DIRECT only). */
    final int rm;
    /** Output pixels per work-item (DIRECT only). */
    final int vw;

    private ConvPlan(Kind kind, String options, int rm, int vw) {
        this.kind = kind;
        this.options = options;
        this.rm = rm;
        this.vw = vw;
    }

    /**
     * @param s      the geometry
     * @param device the device
     * @param act    activation build options, "" for none
     * @return the plan
     */
    static ConvPlan of(ConvShape s, ClDevice device, String act) {
        String f = force;
        boolean pointwise = s.pointwise();
        boolean direct = f != null ? f.equals("direct") || f.equals("padded") : useDirect(s, device);
        if (pointwise && !direct) {
            return new ConvPlan(Kind.POINTWISE, "", 0, 0);
        }
        if (!direct) {
            return new ConvPlan(Kind.IM2COL, "", 0, 0);
        }
        int cg = s.c / s.group;
        int mg = s.m / s.group;
        int rm = rm(cg, mg);
        // Benchmark knob: 8 (float8) measured best on PoCL / AVX-512 against 16; any OpenCL
        // vector width (2, 4, 8, 16) is correct.
        int vw = Integer.getInteger("clinfer.conv.vw", 8);
        String opts = "-DKH=" + s.kh + " -DKW=" + s.kw + " -DSH=" + s.sh + " -DSW=" + s.sw + " -DDH=" + s.dh
                + " -DDW=" + s.dw + " -DRM=" + rm + " -DVW=" + vw + act;
        boolean depthwise = s.group > 1 && s.group == s.c && cg == 1 && !"padded".equals(f);
        return new ConvPlan(depthwise ? Kind.DEPTHWISE : Kind.DIRECT, opts, rm, vw);
    }

    /**
     * The plan of a ConvTranspose: conv_transpose.cl ({@link Kind#TRANSPOSE}) for those whose
     * output pixels each take one tap per input channel (kernel == stride, dilation 1), on CPU
     * devices, where the gather's strided scalar loads cost 10-25x (ConvBenchMain on PoCL, 1
     * thread: ppocr_det's 24x80x80 -> 24 2x2/2 deconv 43 -> 1.7 ms, 24x160x160 -> 1 12 -> 1.05 ms);
     * else null (conv.cl's gather runs it).
     *
     * @param s      the geometry ({@link ConvShape#forTranspose})
     * @param device the device
     * @return the plan, or null
     */
    static ConvPlan forTranspose(ConvShape s, ClDevice device) {
        String f = force;
        boolean cpu = f != null ? f.equals("direct") : !device.isGpuLike();
        if (!cpu || s.kh != s.sh || s.kw != s.sw || s.dh != 1 || s.dw != 1 || s.kh * s.kw > 16) {
            return null;
        }
        int rm = rm(s.c / s.group, s.m / s.group);
        // KW * RM vector accumulators: keep them within 16 registers for wide kernels.
        while (rm > 1 && s.kw * rm > 16) {
            rm /= 2;
        }
        int vw = 8;
        return new ConvPlan(Kind.TRANSPOSE, "-DKH=" + s.kh + " -DKW=" + s.kw + " -DRM=" + rm + " -DVW=" + vw, rm, vw);
    }

    /**
     * Output channels per work-item: as many as the group has, up to 8 (one for depthwise). Each
     * input vector load then feeds that many multiply-adds; 8 x float8 accumulators measured
     * best against 4 and 16 (benchmark knob {@code clinfer.conv.rm}).
     */
    static int rm(int cg, int mg) {
        int max = Integer.getInteger("clinfer.conv.rm", 8);
        return mg >= max ? max : mg >= 4 ? 4 : mg >= 2 ? 2 : 1;
    }

    /**
     * The measured rule: on CPU devices the direct kernel, for every shape. ConvBenchMain on
     * PoCL (1 thread) had it ahead of im2col + GEMM on all 3x3 / 7x7 shapes of resnet18 and
     * squeezenet (e.g. 64x56x56 3x3 30 vs 5 GFLOP/s, 256x14x14 stride 2 33 vs 8), on depthwise
     * (2-6x) and on 1x1 (0.3-0.7 of the GEMM's time on 7 of 8 mobilenet / squeezenet shapes:
     * no scalar tail columns when H * W is not a multiple of 16). GPUs keep the tiled GEMM.
     */
    private static boolean useDirect(ConvShape s, ClDevice device) {
        return !device.isGpuLike();
    }
}
