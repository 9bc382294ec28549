package dev.clinfer.api;

/** A node failed while running; the message names the node and op. */
public class ExecutionException extends ClinferException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public ExecutionException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying failure
     */
    public ExecutionException(String message, Throwable cause) {
        super(message, cause);
    }
}
