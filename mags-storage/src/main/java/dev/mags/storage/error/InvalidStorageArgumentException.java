package dev.mags.storage.error;

/** A caller passed something invalid: a bad workspace name, a restore target that exists. */
public final class InvalidStorageArgumentException extends StorageException {
    private static final long serialVersionUID = 1L;

    public InvalidStorageArgumentException(String message) {
        super(message, null);
    }

    public InvalidStorageArgumentException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public StorageErrorCode code() {
        return StorageErrorCode.INVALID_ARGUMENT;
    }
}
