package dev.mags.storage.error;

/** The object store answered with an error (access denied, no such bucket, a status the store does not explain). */
public final class StoreRejectedException extends StorageException {
    private static final long serialVersionUID = 1L;

    public StoreRejectedException(String message) {
        super(message, null);
    }

    public StoreRejectedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public StorageErrorCode code() {
        return StorageErrorCode.STORE_REJECTED;
    }
}
