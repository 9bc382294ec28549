package dev.clinfer.opencl;

import dev.clinfer.api.DeviceException;

/** An OpenCL call failed; carries the CL error code. */
public class ClException extends DeviceException {
    private static final long serialVersionUID = 1L;
    private final int code;

    /** @param call the OpenCL function @param code its error code */
    public ClException(String call, int code) {
        super(call + " failed: " + ClErrors.name(code) + " (" + code + ")");
        this.code = code;
    }

    /** @param message text @param code CL error code */
    protected ClException(String message, int code, boolean raw) {
        super(message);
        this.code = code;
    }

    /** @return the CL error code */
    public int code() {
        return code;
    }

    /** @return true for the allocation failures a caller may recover from by freeing memory or moving on */
    public boolean isOutOfMemory() {
        return code == -4 || code == -5 || code == -6 || code == -61;
    }
}
