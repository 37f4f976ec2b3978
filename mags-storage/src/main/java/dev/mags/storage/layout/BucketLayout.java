package dev.mags.storage.layout;

import java.util.Optional;

/**
 * Where everything lives in the bucket. All objects are immutable except the lease objects.
 * <pre>
 * chunks/&lt;h[0:2]&gt;/&lt;sha256 hex&gt;                                  zstd frame of one large chunk's plain bytes
 * packs/&lt;h[0:2]&gt;/&lt;sha256 hex of the pack&gt;                       small chunks' zstd frames, one after another
 * workspaces/&lt;owner&gt;/&lt;workspace&gt;/snapshots/&lt;snapshot-id&gt;.json.zst   the manifest: the commit point of a sync
 * locks/shared/&lt;lease-id&gt;.json                                    one per running sync (heartbeat)
 * locks/exclusive.json                                             garbage collection's sweep
 * </pre>
 */
public final class BucketLayout {
    public static final String CHUNKS = "chunks/";
    public static final String PACKS = "packs/";
    public static final String WORKSPACES = "workspaces/";
    public static final String SHARED_LOCKS = "locks/shared/";
    public static final String EXCLUSIVE_LOCK = "locks/exclusive.json";
    private static final String SNAPSHOTS = "/snapshots/";
    private static final String MANIFEST_SUFFIX = ".json.zst";

    private BucketLayout() {}

    public static String chunkKey(String sha256Hex) {
        return contentKey(CHUNKS, sha256Hex);
    }

    /** The hash named by a chunk key, or empty for a key that is not a chunk. */
    public static Optional<String> chunkHash(String key) {
        return contentHash(CHUNKS, key);
    }

    public static String packKey(String sha256Hex) {
        return contentKey(PACKS, sha256Hex);
    }

    /** The hash named by a pack key, or empty for a key that is not a pack. */
    public static Optional<String> packHash(String key) {
        return contentHash(PACKS, key);
    }

    /** Content-addressed objects fan out under the hash's first two hex digits. */
    private static String contentKey(String prefix, String sha256Hex) {
        return prefix + sha256Hex.substring(0, 2) + "/" + sha256Hex;
    }

    private static Optional<String> contentHash(String prefix, String key) {
        if (!key.startsWith(prefix)) {
            return Optional.empty();
        }
        String hash = key.substring(key.lastIndexOf('/') + 1);
        return hash.length() == 64 ? Optional.of(hash) : Optional.empty();
    }

    public static String workspacePrefix(WorkspaceRef ref) {
        return WORKSPACES + ref.owner() + "/" + ref.name() + "/";
    }

    public static String ownerPrefix(String owner) {
        return WORKSPACES + owner + "/";
    }

    public static String snapshotsPrefix(WorkspaceRef ref) {
        return workspacePrefix(ref) + "snapshots/";
    }

    public static String manifestKey(WorkspaceRef ref, SnapshotId id) {
        return snapshotsPrefix(ref) + id.value() + MANIFEST_SUFFIX;
    }

    /** The workspace and snapshot a manifest key names, or empty for any other key. */
    public static Optional<ManifestKey> parseManifestKey(String key) {
        if (!key.startsWith(WORKSPACES) || !key.endsWith(MANIFEST_SUFFIX)) {
            return Optional.empty();
        }
        String[] parts = key.substring(WORKSPACES.length()).split("/");
        if (parts.length != 4 || !("/" + parts[2] + "/").equals(SNAPSHOTS)) {
            return Optional.empty();
        }
        try {
            String id = parts[3].substring(0, parts[3].length() - MANIFEST_SUFFIX.length());
            return Optional.of(new ManifestKey(key, new WorkspaceRef(parts[0], parts[1]), new SnapshotId(id)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A parsed manifest key. */
    public record ManifestKey(String key, WorkspaceRef workspace, SnapshotId snapshot) {}
}
