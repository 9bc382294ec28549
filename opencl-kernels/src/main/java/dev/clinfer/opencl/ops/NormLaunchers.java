package dev.clinfer.opencl.ops;

/** OpenCL launchers: BatchNormalization, Softmax, LayerNormalization and reductions (norm.cl). */
public final class NormLaunchers {
    private NormLaunchers() {
    }

    /** @param r the registry to fill */
    public static void register(DeviceOps r) {
    }
}
