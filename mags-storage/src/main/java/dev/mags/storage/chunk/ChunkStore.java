package dev.mags.storage.chunk;

import dev.mags.storage.error.StoreUnavailableException;
import dev.mags.storage.layout.BucketLayout;
import dev.mags.storage.object.ObjectStore;
import java.io.IOException;
import java.io.InputStream;

/** Content-addressed chunks in the object store: upload once, fetch verified. */
public final class ChunkStore {
    /** Plain size above which a chunk is looked up before it is compressed and sent. */
    public static final int HEAD_FIRST_ABOVE = 256 * 1024;

    private final ObjectStore store;
    private final ChunkCodec codec;

    public ChunkStore(ObjectStore store, ChunkCodec codec) {
        this.store = store;
        this.codec = codec;
    }

    /**
     * Makes sure the chunk is in the store with a put-if-absent of the compressed bytes. Chunks larger than
     * {@link #HEAD_FIRST_ABOVE} are looked up first (another workspace may have them: a HEAD is cheaper than
     * sending megabytes); for small ones the extra round trip costs more than sending the bytes.
     *
     * @return the compressed bytes uploaded, 0 if the chunk was already there
     */
    public long upload(ChunkId id, byte[] plain, int length) {
        String key = BucketLayout.chunkKey(id.hex());
        if (length > HEAD_FIRST_ABOVE && store.exists(key)) {
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
