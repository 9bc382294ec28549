package dev.clinfer.ops;

/** Java CPU kernels: everything that fits no other family. */
public final class MiscOps {
    private MiscOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
    }
}
