package dev.mags.storage.error;

/**
 * Base of the storage failures. Unchecked; each subclass carries a {@link StorageErrorCode}, and every
 * message says what was attempted and why it failed, e.g. "S3 unreachable at http://127.0.0.1:9000 while
 * uploading chunk chunks/ab/abcd…: Connection refused".
 */
public abstract sealed class StorageException extends RuntimeException
        permits StoreUnavailableException, StoreRejectedException, NotFoundException, CorruptDataException,
                LocalIoException, LockConflictException, InvalidStorageArgumentException, SnapshotConflictException {
    private static final long serialVersionUID = 1L;

    protected StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public abstract StorageErrorCode code();
}
