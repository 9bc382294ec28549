package dev.clinfer.opencl;

/** A built program (cl_program). */
public interface ClProgram extends AutoCloseable {
    /**
     * @param name kernel function name
     * @return a new kernel object (callers own it; one per thread, as arguments are state)
     */
    ClKernel kernel(String name);

    /** @return the device binary, for the on-disk program cache */
    byte[] binary();

    /** @return the build log (may be empty) */
    String buildLog();

    @Override
    void close();
}
