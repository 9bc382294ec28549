package dev.clinfer.opencl;

/** An OpenCL context on one device. Thread-safe, as OpenCL contexts are. */
public interface ClContext extends AutoCloseable {
    /** @return the device */
    ClDevice device();

    /**
     * @param profiling enable CL_QUEUE_PROFILING_ENABLE
     * @return a new in-order queue
     */
    ClQueue createQueue(boolean profiling);

    /**
     * @param bytes size, at least 1
     * @return a read-write device buffer
     * @throws ClException (CL_MEM_OBJECT_ALLOCATION_FAILURE, CL_INVALID_BUFFER_SIZE, ...)
     */
    ClBuffer createBuffer(long bytes);

    /**
     * Builds a program from source.
     *
     * @param source  OpenCL C source
     * @param options build options ({@code -D} macros)
     * @return the program
     * @throws ClBuildException with the compiler log
     */
    ClProgram buildProgram(String source, String options);

    /**
     * Builds a program from a binary previously taken from {@link ClProgram#binary()}.
     *
     * @param binary  device binary
     * @param options build options
     * @return the program
     * @throws ClBuildException when the driver rejects the binary
     */
    ClProgram buildProgramFromBinary(byte[] binary, String options);

    @Override
    void close();
}
