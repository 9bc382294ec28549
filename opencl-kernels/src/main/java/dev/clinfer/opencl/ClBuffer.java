package dev.clinfer.opencl;

/** A device buffer (cl_mem). */
public interface ClBuffer extends AutoCloseable {
    /** @return size in bytes */
    long size();

    @Override
    void close();
}
