package dev.mags.storage.error;

/**
 * A sync refused because the local copy descends from a snapshot that is no longer the workspace's latest: another
 * host ran the workspace and committed since (a host cut off from its cluster, whose work was moved). Committing
 * would put the older tree over the newer one.
 */
public final class SnapshotConflictException extends StorageException {
    private static final long serialVersionUID = 1L;

    public SnapshotConflictException(String message) {
        super(message, null);
    }

    @Override
    public StorageErrorCode code() {
        return StorageErrorCode.SNAPSHOT_CONFLICT;
    }
}
