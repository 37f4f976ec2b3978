package dev.mags.protocol.v2;

/** An agent operation failed; {@link #code()} says why in a form a peer can act on. */
public class AgentException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final AgentErrorCode code;

    public AgentException(AgentErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public AgentException(AgentErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public AgentErrorCode code() {
        return code;
    }
}
