package dev.mags.storage.error;

/** Machine-readable codes for storage failures; callers (the HTTP error mapper, the CLI) match on these, never on messages. */
public enum StorageErrorCode {
    /** The object store did not answer: connection refused, timeout, DNS. Retrying later may help. */
    STORE_UNAVAILABLE,
    /** The object store answered with an error: access denied, bad bucket, throttling beyond retries. */
    STORE_REJECTED,
    /** An object, snapshot or workspace that was asked for does not exist. */
    NOT_FOUND,
    /** Stored data does not match its content hash or cannot be decoded. */
    CORRUPT_DATA,
    /** The local tree could not be read (sync) or written (restore). */
    LOCAL_IO,
    /** A lease on the store could not be had or was lost (garbage collection and syncs exclude each other). */
    LOCK_CONFLICT,
    /** The caller passed something invalid: a bad workspace name, a target that already exists. */
    INVALID_ARGUMENT,
    /**
     * A sync of a copy of the workspace that is not at its latest snapshot: another host committed a newer one since
     * this copy was restored or last synced. The copy is not committed over it.
     */
    SNAPSHOT_CONFLICT
}
