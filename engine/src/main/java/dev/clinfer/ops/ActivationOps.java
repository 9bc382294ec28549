package dev.clinfer.ops;

/** Java CPU kernels: activations. */
public final class ActivationOps {
    private ActivationOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
    }
}
