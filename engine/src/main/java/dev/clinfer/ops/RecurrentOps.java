package dev.clinfer.ops;

/** Java CPU kernels: RNN, GRU and LSTM. */
public final class RecurrentOps {
    private RecurrentOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
    }
}
