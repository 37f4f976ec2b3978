package dev.mags.controlplane.error;

/**
 * Maps to HTTP 429: the caller (or the server as a whole) already holds as much as the operator allows;
 * the message names the limit and what frees room.
 */
public final class TooManyRequestsException extends MagsException {
    private static final long serialVersionUID = 1L;

    public TooManyRequestsException(String code, String message) {
        super(code, message);
    }
}
