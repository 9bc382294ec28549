package dev.clinfer.opencl.ops;

/** OpenCL launchers: Conv (1x1 as GEMM, depthwise, general) and ConvTranspose (conv.cl). */
public final class ConvLaunchers {
    private ConvLaunchers() {
    }

    /** @param r the registry to fill */
    public static void register(DeviceOps r) {
    }
}
