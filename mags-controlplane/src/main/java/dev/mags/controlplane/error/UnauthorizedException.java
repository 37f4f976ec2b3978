package dev.mags.controlplane.error;

/** Maps to the HTTP status the name says; default code {@code unauthorized}. */
public final class UnauthorizedException extends MagsException {
    private static final long serialVersionUID = 1L;

    public UnauthorizedException(String message) {
        super("unauthorized", message);
    }

    public UnauthorizedException(String code, String message) {
        super(code, message);
    }
}
