package dev.mags.storage.error;

/** A lease on the store could not be acquired in time, or a held lease was lost. */
public final class LockConflictException extends StorageException {
    private static final long serialVersionUID = 1L;

    public LockConflictException(String message) {
        super(message, null);
    }

    public LockConflictException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public StorageErrorCode code() {
        return StorageErrorCode.LOCK_CONFLICT;
    }
}
