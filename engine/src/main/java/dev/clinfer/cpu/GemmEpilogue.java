package dev.clinfer.cpu;

/**
 * Work a GEMM caller wants done on each finished block of C while it is still in cache, after the
 * per-row bias and clamp: a fused activation that is not a clamp (HardSwish, Sigmoid...), for
 * instance. Called once per block, possibly from several threads at once for disjoint blocks.
 */
@FunctionalInterface
public interface GemmEpilogue {
    /**
     * @param c    C elements
     * @param cOff offset of C[0][0]
     * @param ldc  row stride of C
     * @param i0   first row of the block
     * @param i1   one past its last row
     * @param j0   first column of the block
     * @param j1   one past its last column
     */
    void apply(float[] c, int cOff, int ldc, int i0, int i1, int j0, int j1);
}
