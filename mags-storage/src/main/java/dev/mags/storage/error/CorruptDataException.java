package dev.mags.storage.error;

/** Stored data does not hash to its name or cannot be decoded; nothing built from it is used. */
public final class CorruptDataException extends StorageException {
    private static final long serialVersionUID = 1L;

    public CorruptDataException(String message) {
        super(message, null);
    }

    public CorruptDataException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public StorageErrorCode code() {
        return StorageErrorCode.CORRUPT_DATA;
    }
}
