package dev.clinfer.opencl.ops;

/** OpenCL launchers: max, average and global pooling (pool.cl). */
public final class PoolLaunchers {
    private PoolLaunchers() {
    }

    /** @param r the registry to fill */
    public static void register(DeviceOps r) {
    }
}
