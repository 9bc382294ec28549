package dev.clinfer.api;

/** A model file is corrupt, truncated or violates the ONNX format. */
public class ModelFormatException extends ClinferException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public ModelFormatException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying failure
     */
    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
