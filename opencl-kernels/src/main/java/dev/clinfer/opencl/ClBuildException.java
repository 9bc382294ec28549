package dev.clinfer.opencl;

/** A program failed to build; carries the compiler log. */
public class ClBuildException extends ClException {
    private static final long serialVersionUID = 1L;
    private final String log;

    /** @param what the program @param code CL error code @param log compiler log */
    public ClBuildException(String what, int code, String log) {
        super("building " + what + " failed: " + ClErrors.name(code) + "\n" + log, code, true);
        this.log = log;
    }

    /** @return the compiler log */
    public String log() {
        return log;
    }
}
