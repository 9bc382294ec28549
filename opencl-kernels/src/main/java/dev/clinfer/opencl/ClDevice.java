package dev.clinfer.opencl;

/**
 * What clinfer knows about one OpenCL device. {@code handle} is the binding's own device id.
 *
 * @param platformIndex    index of the platform in the binding's platform list
 * @param deviceIndex      index of the device within its platform
 * @param name             device name
 * @param vendor           device vendor
 * @param type             GPU, CPU, ACCELERATOR or OTHER
 * @param computeUnits     CL_DEVICE_MAX_COMPUTE_UNITS
 * @param clockMhz         CL_DEVICE_MAX_CLOCK_FREQUENCY
 * @param globalMemBytes   CL_DEVICE_GLOBAL_MEM_SIZE
 * @param localMemBytes    CL_DEVICE_LOCAL_MEM_SIZE
 * @param maxAllocBytes    CL_DEVICE_MAX_MEM_ALLOC_SIZE
 * @param maxWorkGroupSize CL_DEVICE_MAX_WORK_GROUP_SIZE
 * @param fp16             cl_khr_fp16 available
 * @param fp64             cl_khr_fp64 available
 * @param openclCVersion   CL_DEVICE_OPENCL_C_VERSION
 * @param driverVersion    CL_DRIVER_VERSION
 * @param platformName     CL_PLATFORM_NAME
 * @param platformVersion  CL_PLATFORM_VERSION
 * @param handle           binding-specific device id
 */
public record ClDevice(int platformIndex, int deviceIndex, String name, String vendor, String type, int computeUnits,
                       int clockMhz, long globalMemBytes, long localMemBytes, long maxAllocBytes, long maxWorkGroupSize,
                       boolean fp16, boolean fp64, String openclCVersion, String driverVersion, String platformName,
                       String platformVersion, Object handle) {
    /** @return {@code P:D} */
    public String id() {
        return platformIndex + ":" + deviceIndex;
    }

    /** @return true for GPUs and accelerators */
    public boolean isGpuLike() {
        return type.equals("GPU") || type.equals("ACCELERATOR");
    }

    @Override
    public String toString() {
        return id() + " " + name.trim() + " (" + type + ", " + platformName.trim() + ")";
    }
}
