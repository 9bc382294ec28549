package dev.clinfer.opencl.ops;

/** OpenCL launchers: MatMul and Gemm, tiled with local memory (gemm.cl). */
public final class GemmLaunchers {
    private GemmLaunchers() {
    }

    /** @param r the registry to fill */
    public static void register(DeviceOps r) {
    }
}
