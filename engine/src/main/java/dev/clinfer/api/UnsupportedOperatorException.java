package dev.clinfer.api;

/** A node uses an operator (or an attribute or type combination) that clinfer cannot run. */
public class UnsupportedOperatorException extends ClinferException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public UnsupportedOperatorException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying failure
     */
    public UnsupportedOperatorException(String message, Throwable cause) {
        super(message, cause);
    }
}
