package dev.mags.controlplane.error;

/** Maps to HTTP 507: the host has no disk space to promise what the request needs. */
public final class InsufficientStorageException extends MagsException {
    private static final long serialVersionUID = 1L;

    public InsufficientStorageException(String code, String message) {
        super(code, message);
    }
}
