package dev.clinfer.bench.jmh;

import dev.clinfer.bench.OneNodeModels;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The GEMM and Conv shapes of the micro-benchmarks, each one that occurs in a zoo model (batch 1 images,
 * MiniLM at the zoo's [2,16] tokens and at [1,128]), as one-node models.
 */
public final class KernelShapes {
    /** MatMul shapes by name. */
    public static final Map<String, Supplier<OneNodeModels.Built>> GEMM = new LinkedHashMap<>();
    /** Conv shapes by name. */
    public static final Map<String, Supplier<OneNodeModels.Built>> CONV = new LinkedHashMap<>();

    static {
        GEMM.put("square_1024", () -> OneNodeModels.matMul(new long[0], 1024, 1024, 1024, true));
        // MiniLM feed-forward up-projection, [batch*seq, 384] x W[384, 1536]: zoo tokens [2,16], and [1,128].
        GEMM.put("minilm_ffn_32x384x1536", () -> OneNodeModels.matMul(new long[0], 32, 384, 1536, true));
        GEMM.put("minilm_ffn_128x384x1536", () -> OneNodeModels.matMul(new long[0], 128, 384, 1536, true));
        // Attention scores Q.K^T per head, both operands activations: [2,12,16,64] x [2,12,64,16] (the
        // [24,16,64] x [24,64,16] batched product), and [1,12,128,64] x [1,12,64,128].
        GEMM.put("minilm_qk_2x12x16x64x16", () -> OneNodeModels.matMul(new long[] {2, 12}, 16, 64, 16, false));
        GEMM.put("minilm_qk_1x12x128x64x128", () -> OneNodeModels.matMul(new long[] {1, 12}, 128, 64, 128, false));

        // resnet18: the stem, the most frequent 3x3 (4x in layer1), a deep 3x3, a strided 1x1 downsample.
        CONV.put("r18_7x7s2_3to64_224", () -> OneNodeModels.conv(1, 3, 224, 224, 64, 7, 2, 3, 1));
        CONV.put("r18_3x3_64to64_56", () -> OneNodeModels.conv(1, 64, 56, 56, 64, 3, 1, 1, 1));
        CONV.put("r18_3x3_256to256_14", () -> OneNodeModels.conv(1, 256, 14, 14, 256, 3, 1, 1, 1));
        CONV.put("r18_1x1s2_256to512_14", () -> OneNodeModels.conv(1, 256, 14, 14, 512, 1, 2, 0, 1));
        // mobilenet_v2: depthwise 3x3 at 112x112x32 (stride 1) and 112x112x96 (stride 2), pointwise 1x1.
        CONV.put("mv2_dw3x3_32_112", () -> OneNodeModels.conv(1, 32, 112, 112, 32, 3, 1, 1, 32));
        CONV.put("mv2_dw3x3s2_96_112", () -> OneNodeModels.conv(1, 96, 112, 112, 96, 3, 2, 1, 96));
        CONV.put("mv2_pw1x1_16to96_112", () -> OneNodeModels.conv(1, 16, 112, 112, 96, 1, 1, 0, 1));
        CONV.put("mv2_pw1x1_144to24_56", () -> OneNodeModels.conv(1, 144, 56, 56, 24, 1, 1, 0, 1));
        CONV.put("mv2_pw1x1_960to160_7", () -> OneNodeModels.conv(1, 960, 7, 7, 160, 1, 1, 0, 1));
    }

    private KernelShapes() {
    }

    /**
     * @param name a shape name from {@link #GEMM} or {@link #CONV}
     * @return its one-node model
     */
    public static OneNodeModels.Built build(String name) {
        Supplier<OneNodeModels.Built> s = GEMM.containsKey(name) ? GEMM.get(name) : CONV.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown shape '" + name + "'; known: " + GEMM.keySet() + " "
                    + CONV.keySet());
        }
        return s.get();
    }
}
