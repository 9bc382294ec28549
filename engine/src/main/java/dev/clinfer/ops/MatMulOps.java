package dev.clinfer.ops;

/** Java CPU kernels: MatMul, Gemm and their integer forms. */
public final class MatMulOps {
    private MatMulOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
    }
}
