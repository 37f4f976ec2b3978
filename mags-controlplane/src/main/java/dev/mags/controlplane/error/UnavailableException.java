package dev.mags.controlplane.error;

/** Maps to the HTTP status the name says; default code {@code unavailable}. */
public final class UnavailableException extends MagsException {
    private static final long serialVersionUID = 1L;

    public UnavailableException(String message) {
        super("unavailable", message);
    }

    public UnavailableException(String code, String message) {
        super(code, message);
    }
}
