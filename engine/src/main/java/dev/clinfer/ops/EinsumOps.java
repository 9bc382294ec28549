package dev.clinfer.ops;

/** Java CPU kernels: Einsum. */
public final class EinsumOps {
    private EinsumOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
    }
}
