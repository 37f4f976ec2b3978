package dev.mags.controlplane.error;

/** Maps to the HTTP status the name says; default code {@code not_found}. */
public final class NotFoundException extends MagsException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super("not_found", message);
    }

    public NotFoundException(String code, String message) {
        super(code, message);
    }
}
