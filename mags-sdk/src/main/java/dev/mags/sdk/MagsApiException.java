package dev.mags.sdk;

/**
 * The server answered, but with an error: a non-2xx status (code and message taken from the
 * JSON error body, or derived from the status when the body is not JSON), or a 2xx answer this
 * SDK cannot read.
 */
public final class MagsApiException extends MagsException {
    /** Code used when a successful answer could not be read. */
    public static final String BAD_RESPONSE = "bad_response";

    private final int status;

    public MagsApiException(int status, String code, String message) {
        this(status, code, message, null);
    }

    public MagsApiException(int status, String code, String message, Throwable cause) {
        super(code, message, cause);
        this.status = status;
    }

    /** The HTTP status of the answer. */
    public int status() {
        return status;
    }
}
