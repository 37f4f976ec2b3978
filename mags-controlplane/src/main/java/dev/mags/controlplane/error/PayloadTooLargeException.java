package dev.mags.controlplane.error;

/** Maps to HTTP 413: a request body (an upload) is larger than a limit the message names. */
public final class PayloadTooLargeException extends MagsException {
    private static final long serialVersionUID = 1L;

    public PayloadTooLargeException(String code, String message) {
        super(code, message);
    }
}
