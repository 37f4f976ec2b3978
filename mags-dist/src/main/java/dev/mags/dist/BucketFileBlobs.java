package dev.mags.dist;

import dev.mags.controlplane.files.FileBlobs;
import dev.mags.controlplane.files.FileStorageException;
import dev.mags.storage.error.StorageException;
import dev.mags.storage.object.ObjectInfo;
import dev.mags.storage.object.ObjectStore;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Uploaded files in the bucket of workspace storage: part {@code n} of a file is the object
 * {@code files/<user id>/<file id>/<n as 6 digits>}. The prefix is apart from the snapshots' objects, so their
 * garbage collection never sees them.
 */
final class BucketFileBlobs implements FileBlobs {
    static final String PREFIX = "files/";

    private final ObjectStore store;

    BucketFileBlobs(ObjectStore store) {
        this.store = store;
    }

    @Override
    public void putPart(String userId, String fileId, int index, byte[] data, int length) {
        try {
            store.put(key(userId, fileId, index), length == data.length ? data : Arrays.copyOf(data, length));
        } catch (StorageException e) {
            throw new FileStorageException(e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(String userId, String fileId, int parts) {
        return FileBlobs.inOrder(parts, index -> {
            try {
                return store.get(key(userId, fileId, index));
            } catch (StorageException e) {
                throw new FileStorageException(e.getMessage(), e);
            }
        });
    }

    @Override
    public void delete(String userId, String fileId) {
        try {
            List<String> keys = store.list(PREFIX + userId + "/" + fileId + "/").map(ObjectInfo::key).toList();
            store.deleteAll(keys);
        } catch (StorageException e) {
            throw new FileStorageException(e.getMessage(), e);
        }
    }

    @Override
    public List<StoredBlob> list() {
        Map<String, StoredBlob> files = new LinkedHashMap<>();
        try {
            store.list(PREFIX).forEach(o -> {
                String[] parts = o.key().substring(PREFIX.length()).split("/");
                if (parts.length == 3) {
                    files.merge(parts[0] + "/" + parts[1], new StoredBlob(parts[0], parts[1], o.lastModified()),
                            (a, b) -> a.modified().isAfter(b.modified()) ? a : b);
                }
            });
        } catch (StorageException e) {
            throw new FileStorageException(e.getMessage(), e);
        }
        return new ArrayList<>(files.values());
    }

    private static String key(String userId, String fileId, int index) {
        return PREFIX + userId + "/" + fileId + "/" + partName(index);
    }

    /** The last segment of a part's key: its index in six digits, so that a listing is in order. */
    static String partName(int index) {
        return String.format("%06d", index);
    }
}
