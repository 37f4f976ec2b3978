package dev.mags.storage.history;

import dev.mags.storage.error.NotFoundException;
import dev.mags.storage.layout.BucketLayout;
import dev.mags.storage.layout.SnapshotId;
import dev.mags.storage.layout.WorkspaceRef;
import dev.mags.storage.manifest.ManifestStore;
import dev.mags.storage.manifest.ManifestSummary;
import dev.mags.storage.object.ObjectStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshots of workspaces: listing, retention and deletion. All of these touch manifests only; the
 * chunks that no manifest references any more are removed by garbage collection, never here, so deleting
 * one workspace cannot take away a chunk another workspace shares.
 */
public final class SnapshotHistory {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotHistory.class);

    private final ObjectStore store;
    private final ManifestStore manifests;

    public SnapshotHistory(ObjectStore store) {
        this.store = store;
        this.manifests = new ManifestStore(store);
    }

    /** The workspace's snapshots, oldest first (empty for an unknown workspace). */
    public List<SnapshotSummary> list(WorkspaceRef ref) {
        List<SnapshotSummary> out = new ArrayList<>();
        for (SnapshotId id : manifests.list(ref)) {
            try {
                out.add(summary(id, manifests.summary(ref, id)));
            } catch (NotFoundException e) {
                LOG.debug("snapshot {} of {} went away while listing", id, ref);
            }
        }
        return out;
    }

    public Optional<SnapshotId> latest(WorkspaceRef ref) {
        return manifests.latest(ref);
    }

    /**
     * Keeps the newest {@code keepLast} snapshots of the workspace and deletes the manifests of older ones.
     *
     * @return the snapshots deleted
     */
    public List<SnapshotId> retain(WorkspaceRef ref, int keepLast) {
        if (keepLast < 1) {
            throw new IllegalArgumentException("keepLast must be at least 1 (the latest snapshot is the workspace)");
        }
        List<SnapshotId> all = manifests.list(ref);
        List<SnapshotId> old = all.subList(0, Math.max(0, all.size() - keepLast));
        store.deleteAll(old.stream().map(id -> BucketLayout.manifestKey(ref, id)).toList());
        return List.copyOf(old);
    }

    /**
     * Deletes every snapshot of the workspace.
     *
     * @return how many manifests were deleted (0: the workspace did not exist)
     */
    public int deleteWorkspace(WorkspaceRef ref) {
        List<String> keys;
        try (var s = store.list(BucketLayout.workspacePrefix(ref))) {
            keys = s.map(o -> o.key()).toList();
        }
        store.deleteAll(keys);
        return (int) keys.stream().filter(k -> BucketLayout.parseManifestKey(k).isPresent()).count();
    }

    /** The owner's workspaces with their latest snapshot, by name. */
    public List<WorkspaceSummary> workspaces(String owner) {
        Map<String, List<SnapshotId>> byName = new TreeMap<>();
        try (var s = store.list(BucketLayout.ownerPrefix(owner))) {
            s.map(o -> BucketLayout.parseManifestKey(o.key())).flatMap(Optional::stream)
                    .forEach(k -> byName.computeIfAbsent(k.workspace().name(), n -> new ArrayList<>()).add(k.snapshot()));
        }
        List<WorkspaceSummary> out = new ArrayList<>();
        byName.forEach((name, ids) -> {
            WorkspaceRef ref = new WorkspaceRef(owner, name);
            SnapshotId latest = ids.stream().max(SnapshotId::compareTo).orElseThrow();
            try {
                ManifestSummary m = manifests.summary(ref, latest);
                out.add(new WorkspaceSummary(ref, latest, latest.time(), m.files(), m.bytes(), ids.size()));
            } catch (NotFoundException e) {
                LOG.debug("latest snapshot {} of {} went away while listing", latest, ref);
            }
        });
        return out;
    }

    private static SnapshotSummary summary(SnapshotId id, ManifestSummary m) {
        Instant created = m.createdAt() == null ? id.time() : Instant.parse(m.createdAt());
        return new SnapshotSummary(id, created, m.files(), m.bytes(), m.entryCount());
    }
}
