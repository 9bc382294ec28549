package dev.clinfer.api;

/**
 * The memory a session needs exceeds {@link SessionOptions#memoryBudgetBytes(long)}: at creation
 * (initializers plus the static peak of one request's activations), or at run time (the
 * activation pool would have to grow past what the budget leaves after the initializers).
 */
public class MemoryBudgetException extends ClinferException {
    private static final long serialVersionUID = 1L;
    private final long budgetBytes;
    private final long neededBytes;

    /**
     * @param message     what needed the memory
     * @param budgetBytes the budget
     * @param neededBytes what was needed
     */
    public MemoryBudgetException(String message, long budgetBytes, long neededBytes) {
        super(message);
        this.budgetBytes = budgetBytes;
        this.neededBytes = neededBytes;
    }

    /**
     * Adds context (say, the node that allocated) to another budget failure, keeping its figures.
     *
     * @param message the message with context
     * @param cause   the failure; its budget and need are kept when it is a MemoryBudgetException
     */
    public MemoryBudgetException(String message, Throwable cause) {
        super(message, cause);
        MemoryBudgetException m = cause instanceof MemoryBudgetException ? (MemoryBudgetException) cause : null;
        this.budgetBytes = m == null ? -1 : m.budgetBytes;
        this.neededBytes = m == null ? -1 : m.neededBytes;
    }

    /** @return the configured budget in bytes */
    public long budgetBytes() {
        return budgetBytes;
    }

    /** @return the bytes that were needed */
    public long neededBytes() {
        return neededBytes;
    }
}
