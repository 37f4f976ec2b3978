package dev.mags.controlplane.error;

/** Maps to the HTTP status the name says; default code {@code bad_request}. */
public final class BadRequestException extends MagsException {
    private static final long serialVersionUID = 1L;

    public BadRequestException(String message) {
        super("bad_request", message);
    }

    public BadRequestException(String code, String message) {
        super(code, message);
    }
}
