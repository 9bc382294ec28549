package dev.clinfer.opencl;

/** A kernel with its arguments (cl_kernel). Not thread-safe: arguments are state. */
public interface ClKernel extends AutoCloseable {
    /** @param i index @param b buffer argument @return this */
    ClKernel arg(int i, ClBuffer b);

    /** @param i index @param v int argument @return this */
    ClKernel arg(int i, int v);

    /** @param i index @param v long argument @return this */
    ClKernel arg(int i, long v);

    /** @param i index @param v float argument @return this */
    ClKernel arg(int i, float v);

    /**
     * Sets an {@code intN} vector argument (N = 2, 4, 8 or 16; pad with zeros).
     *
     * @param i index
     * @param v the lanes
     * @return this
     */
    ClKernel argInts(int i, int[] v);

    /** @param i index @param bytes size of a __local argument @return this */
    ClKernel argLocal(int i, long bytes);

    /** @return the kernel function name */
    String name();

    @Override
    void close();
}
