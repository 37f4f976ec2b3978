package dev.mags.storage.error;

/** An object, snapshot or workspace that was asked for does not exist. */
public final class NotFoundException extends StorageException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message, null);
    }

    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public StorageErrorCode code() {
        return StorageErrorCode.NOT_FOUND;
    }
}
