package dev.mags.agent.network;

/** A sandbox's network could not be set up, changed or torn down; the message says which sandbox and what failed. */
public class NetworkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NetworkException(String message) {
        super(message);
    }

    public NetworkException(String message, Throwable cause) {
        super(message, cause);
    }
}
