package dev.mags.controlplane.files;

/** The store of uploaded files failed (unreachable, refused); the message names the store and the object. */
public final class FileStorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FileStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
