package dev.mags.storage.chunk;

import dev.mags.storage.error.StoreUnavailableException;
import dev.mags.storage.layout.BucketLayout;
import dev.mags.storage.object.ObjectStore;
import java.io.IOException;
import java.io.InputStream;

/** Content-addressed chunks in the object store: upload once, fetch verified. */
public final class ChunkStore {
    private final ObjectStore store;
    private final ChunkCodec codec;

    public ChunkStore(ObjectStore store, ChunkCodec codec) {
        this.store = store;
        this.codec = codec;
    }

    /**
     * Makes sure the chunk is in the store: a HEAD first (another workspace may have it), then a
     * put-if-absent of the compressed bytes.
     *
     * @return the compressed bytes uploaded, 0 if the chunk was already there
     */
    public long upload(ChunkId id, byte[] plain, int length) {
        String key = BucketLayout.chunkKey(id.hex());
        if (store.exists(key)) {
            return 0;
        }
        byte[] encoded = codec.encode(plain, length);
        return store.putIfAbsent(key, encoded) ? encoded.length : 0;
    }

    public boolean exists(ChunkId id) {
        return store.exists(BucketLayout.chunkKey(id.hex()));
    }

    /** The chunk's plain bytes; throws {@code CorruptDataException} if they do not hash to {@code id}. */
    public byte[] fetch(ChunkId id) {
        String key = BucketLayout.chunkKey(id.hex());
        byte[] stored;
        try (InputStream in = store.get(key)) {
            stored = in.readAllBytes();
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot download chunk " + key + " from " + store.describe() + ": "
                    + e.getMessage(), e);
        }
        return codec.decode(id, stored);
    }
}
