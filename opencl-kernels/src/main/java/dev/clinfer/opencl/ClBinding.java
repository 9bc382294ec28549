package dev.clinfer.opencl;

import java.util.List;

/**
 * The small OpenCL contract clinfer needs, implemented once on JOCL and once on LWJGL. Every
 * object it hands out is {@link AutoCloseable} and counted in {@link ClObjects}.
 */
public interface ClBinding {
    /** @return {@code jocl} or {@code lwjgl} */
    String name();

    /**
     * @return every device of every platform
     * @throws ClUnavailableException when no ICD loader or no platform exists
     */
    List<ClDevice> devices();

    /**
     * @param device a device from {@link #devices()}
     * @return a context on that device alone
     */
    ClContext createContext(ClDevice device);
}
