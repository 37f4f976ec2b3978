package dev.mags.storage.error;

/** The local tree could not be read (sync) or written (restore). */
public final class LocalIoException extends StorageException {
    private static final long serialVersionUID = 1L;

    public LocalIoException(String message) {
        super(message, null);
    }

    public LocalIoException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public StorageErrorCode code() {
        return StorageErrorCode.LOCAL_IO;
    }
}
