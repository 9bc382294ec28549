package dev.clinfer.ops;

/** Java CPU kernels: elementwise math, comparison and logic with broadcasting. */
public final class ElementwiseOps {
    private ElementwiseOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
    }
}
