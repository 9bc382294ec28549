package dev.clinfer.ops;

/** Java CPU kernels: Conv and ConvTranspose. */
public final class ConvOps {
    private ConvOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
    }
}
