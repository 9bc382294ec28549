package dev.clinfer.ops;

/** Java CPU kernels: If, Loop and Scan. */
public final class ControlFlowOps {
    private ControlFlowOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
    }
}
