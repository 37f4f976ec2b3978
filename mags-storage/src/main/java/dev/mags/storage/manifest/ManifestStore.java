package dev.mags.storage.manifest;

import dev.mags.storage.error.InvalidStorageArgumentException;
import dev.mags.storage.error.NotFoundException;
import dev.mags.storage.error.StoreUnavailableException;
import dev.mags.storage.layout.BucketLayout;
import dev.mags.storage.layout.SnapshotId;
import dev.mags.storage.layout.WorkspaceRef;
import dev.mags.storage.object.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** Manifests in the object store, one per snapshot, named so that key order is time order. */
public final class ManifestStore {
    private final ObjectStore store;

    public ManifestStore(ObjectStore store) {
        this.store = store;
    }

    /**
     * Writes the manifest: the commit point of a sync. Refuses to replace an existing snapshot, unless that
     * snapshot is this very manifest (a retried PUT whose first answer was lost).
     */
    public void commit(WorkspaceRef ref, Manifest manifest) {
        SnapshotId id = new SnapshotId(manifest.snapshotId());
        String key = BucketLayout.manifestKey(ref, id);
        byte[] encoded = ManifestCodec.encode(manifest);
        if (!store.putIfAbsent(key, encoded) && !manifest.equals(read(key))) {
            throw new InvalidStorageArgumentException("snapshot " + id + " of workspace " + ref + " already exists");
        }
    }

    /** The workspace's snapshot ids, oldest first. */
    public List<SnapshotId> list(WorkspaceRef ref) {
        try (var s = store.list(BucketLayout.snapshotsPrefix(ref))) {
            return s.map(o -> BucketLayout.parseManifestKey(o.key()))
                    .flatMap(Optional::stream)
                    .map(BucketLayout.ManifestKey::snapshot)
                    .sorted()
                    .toList();
        }
    }

    public Optional<SnapshotId> latest(WorkspaceRef ref) {
        List<SnapshotId> all = list(ref);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    public Manifest read(WorkspaceRef ref, SnapshotId id) {
        String key = BucketLayout.manifestKey(ref, id);
        try (InputStream in = open(ref, id, key)) {
            return ManifestCodec.decode(in, key);
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot read manifest " + key + " from " + store.describe() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Reads a manifest by its key (garbage collection walks all workspaces). */
    public Manifest read(String key) {
        try (InputStream in = store.get(key)) {
            return ManifestCodec.decode(in, key);
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot read manifest " + key + " from " + store.describe() + ": "
                    + e.getMessage(), e);
        }
    }

    public ManifestSummary summary(WorkspaceRef ref, SnapshotId id) {
        String key = BucketLayout.manifestKey(ref, id);
        try (InputStream in = open(ref, id, key)) {
            return ManifestCodec.decodeSummary(in, key);
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot read manifest " + key + " from " + store.describe() + ": "
                    + e.getMessage(), e);
        }
    }

    public void delete(WorkspaceRef ref, SnapshotId id) {
        store.delete(BucketLayout.manifestKey(ref, id));
    }

    private InputStream open(WorkspaceRef ref, SnapshotId id, String key) {
        try {
            return store.get(key);
        } catch (NotFoundException e) {
            throw new NotFoundException("workspace " + ref + " has no snapshot " + id, e);
        }
    }
}
