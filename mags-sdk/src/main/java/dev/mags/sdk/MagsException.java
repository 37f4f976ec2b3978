package dev.mags.sdk;

/**
 * Base of every error the SDK throws. Unchecked; {@link #code()} is machine-readable: the
 * server's error code for {@link MagsApiException}, a fixed code for the others.
 */
public abstract sealed class MagsException extends RuntimeException
        permits MagsApiException, MagsConnectionException, MagsOutcomeUnknownException, MagsTimeoutException {

    private final String code;

    MagsException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** Machine-readable error code, e.g. {@code not_found} or {@code connection_failed}. */
    public String code() {
        return code;
    }
}
