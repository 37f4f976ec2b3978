package dev.mags.controlplane.error;

/** The caller is known but may not do this (e.g. a non-admin on an admin route); default code {@code forbidden}. */
public final class ForbiddenException extends MagsException {
    private static final long serialVersionUID = 1L;

    public ForbiddenException(String message) {
        super("forbidden", message);
    }

    public ForbiddenException(String code, String message) {
        super(code, message);
    }
}
