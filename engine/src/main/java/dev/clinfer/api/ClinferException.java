package dev.clinfer.api;

/**
 * Base of every error clinfer reports: bad model files, unsupported operators, bad inputs and
 * device failures. Messages name the node, op, tensor and expected versus actual values.
 */
public class ClinferException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public ClinferException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying failure
     */
    public ClinferException(String message, Throwable cause) {
        super(message, cause);
    }
}
