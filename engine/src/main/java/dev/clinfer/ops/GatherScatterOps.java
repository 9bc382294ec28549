package dev.clinfer.ops;

/** Java CPU kernels: Gather, Scatter and related indexing operators. */
public final class GatherScatterOps {
    private GatherScatterOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
    }
}
