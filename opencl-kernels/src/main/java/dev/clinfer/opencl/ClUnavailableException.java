package dev.clinfer.opencl;

/** OpenCL cannot be used here: no ICD loader, no platform (CL error -1001), or the binding failed to load. */
public class ClUnavailableException extends ClException {
    private static final long serialVersionUID = 1L;

    /** @param message why */
    public ClUnavailableException(String message) {
        super(message, -1001, true);
    }
}
