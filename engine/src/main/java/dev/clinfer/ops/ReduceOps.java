package dev.clinfer.ops;

/** Java CPU kernels: reductions, Arg*, TopK and CumSum. */
public final class ReduceOps {
    private ReduceOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
    }
}
