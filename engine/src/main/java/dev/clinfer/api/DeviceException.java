package dev.clinfer.api;

/** A compute device failed: allocation, program build, or a lost device. */
public class DeviceException extends ClinferException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public DeviceException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying failure
     */
    public DeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
