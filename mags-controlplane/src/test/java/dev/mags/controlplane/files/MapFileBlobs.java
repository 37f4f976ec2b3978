package dev.mags.controlplane.files;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/** Uploaded files' parts in a map, for control-plane tests. */
public final class MapFileBlobs implements FileBlobs {
    public record Part(byte[] data, Instant modified) {}

    public final Map<String, Part> parts = new ConcurrentSkipListMap<>();
    public volatile Instant now = Instant.now();
    /** Parts from this index on fail to store, as a store that went away would; -1: none fails. */
    public volatile int failFromPart = -1;

    @Override
    public void putPart(String userId, String fileId, int index, byte[] data, int length) {
        if (failFromPart >= 0 && index >= failFromPart) {
            throw new FileStorageException("the store refused part " + index + " (as this test asked)", null);
        }
        parts.put(userId + "/" + fileId + "/" + String.format("%06d", index), new Part(Arrays.copyOf(data, length), now));
    }

    @Override
    public InputStream open(String userId, String fileId, int count) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            all.writeBytes(parts.get(userId + "/" + fileId + "/" + String.format("%06d", i)).data());
        }
        return new ByteArrayInputStream(all.toByteArray());
    }

    @Override
    public void delete(String userId, String fileId) {
        parts.keySet().removeIf(k -> k.startsWith(userId + "/" + fileId + "/"));
    }

    @Override
    public List<StoredBlob> list() {
        List<StoredBlob> out = new ArrayList<>();
        parts.forEach((k, p) -> {
            String[] s = k.split("/");
            out.add(new StoredBlob(s[0], s[1], p.modified()));
        });
        return out;
    }

    /** Ids of the files with parts stored. */
    public List<String> fileIds() {
        return parts.keySet().stream().map(k -> k.split("/")[1]).distinct().toList();
    }
}
