package dev.clinfer.ops;

/** Java CPU kernels: shape and layout operators. */
public final class ShapeOps {
    private ShapeOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
    }
}
