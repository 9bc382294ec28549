package dev.clinfer.ops;

/** Java CPU kernels: QuantizeLinear, DequantizeLinear and the int8 operators. */
public final class QuantizeOps {
    private QuantizeOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
    }
}
