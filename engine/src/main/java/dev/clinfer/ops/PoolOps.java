package dev.clinfer.ops;

/** Java CPU kernels: max, average, global and Lp pooling. */
public final class PoolOps {
    private PoolOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
    }
}
