package dev.mags.storage.error;

/** The object store could not be reached (connection refused, timeout, DNS); the operation may be retried later. */
public final class StoreUnavailableException extends StorageException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message) {
        super(message, null);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public StorageErrorCode code() {
        return StorageErrorCode.STORE_UNAVAILABLE;
    }
}
