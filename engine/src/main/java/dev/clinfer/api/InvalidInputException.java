package dev.clinfer.api;

/** An input given to {@code run} is missing, unknown, or has the wrong shape or data type. */
public class InvalidInputException extends ClinferException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public InvalidInputException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying failure
     */
    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
