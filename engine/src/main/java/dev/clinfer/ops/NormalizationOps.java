package dev.clinfer.ops;

/** Java CPU kernels: BatchNormalization, Instance, Layer, LRN and MeanVarianceNormalization. */
public final class NormalizationOps {
    private NormalizationOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
    }
}
