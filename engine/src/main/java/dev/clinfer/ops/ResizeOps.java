package dev.clinfer.ops;

/** Java CPU kernels: Resize and Upsample. */
public final class ResizeOps {
    private ResizeOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
    }
}
