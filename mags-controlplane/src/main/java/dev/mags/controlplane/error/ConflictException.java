package dev.mags.controlplane.error;

/** Maps to the HTTP status the name says; default code {@code conflict}. */
public final class ConflictException extends MagsException {
    private static final long serialVersionUID = 1L;

    public ConflictException(String message) {
        super("conflict", message);
    }

    public ConflictException(String code, String message) {
        super(code, message);
    }
}
