package dev.mags.storage.chunk;

import dev.mags.storage.error.CorruptDataException;
import dev.mags.storage.layout.BucketLayout;
import dev.mags.storage.object.ObjectStore;

/**
 * Content-addressed chunks in the object store: upload once, fetch verified. A large chunk is an object of its
 * own; small ones travel in packs (many frames in one object), since an object per small file makes a restore
 * of many small files pay one request per file.
 */
public final class ChunkStore {
    /** Plain size above which a chunk is looked up before it is compressed and sent. */
    public static final int HEAD_FIRST_ABOVE = 256 * 1024;
    /** Chunks of at most this many plain bytes go into packs; larger ones are objects of their own. */
    public static final int PACKED_AT_MOST = HEAD_FIRST_ABOVE;

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

    /** The frame stored for a chunk: what {@link #storePack} packs and {@link FrameDecoder} reads back. */
    public byte[] encode(byte[] plain, int length) {
        return codec.encode(plain, length);
    }

    /** Stores a pack under its content hash; a pack already there (the same bytes) is left as it is. */
    public void storePack(String sha256Hex, byte[] pack) {
        store.putIfAbsent(BucketLayout.packKey(sha256Hex), pack);
    }

    /** Bytes {@code offset .. offset + length - 1} of a pack: the frames of one or more chunks. */
    public byte[] fetchPackRange(String sha256Hex, long offset, int length) {
        return store.getRange(BucketLayout.packKey(sha256Hex), offset, length);
    }

    /** Throws {@code CorruptDataException} unless the whole {@code pack} hashes to its name. */
    public static void checkPack(String sha256Hex, byte[] pack) {
        ChunkId actual = ChunkId.of(pack);
        if (!actual.hex().equals(sha256Hex)) {
            throw new CorruptDataException("pack " + sha256Hex + " is corrupt: its content hashes to " + actual);
        }
    }

    public boolean exists(ChunkId id) {
        return store.exists(BucketLayout.chunkKey(id.hex()));
    }

    /** The stored frame of a chunk kept as an object of its own; {@link FrameDecoder#decode} checks and decodes it. */
    public byte[] fetchFrame(ChunkId id) {
        return store.getBytes(BucketLayout.chunkKey(id.hex()));
    }
}
