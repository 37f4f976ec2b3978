package dev.mags.storage.object;

import dev.mags.storage.error.CorruptDataException;
import dev.mags.storage.error.StoreUnavailableException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The narrow seam between mags and an S3-compatible bucket. Keys are '/'-separated; values are
 * immutable byte arrays (chunks are at most a few MiB, manifests a few MiB). Every method throws a
 * {@link dev.mags.storage.error.StorageException} subclass naming the key and the store.
 */
public interface ObjectStore {

    /**
     * Stores {@code data} at {@code key} unless an object is already there (S3 {@code If-None-Match: *}).
     *
     * @return true if this call wrote the object, false if one existed
     */
    boolean putIfAbsent(String key, byte[] data);

    /** Stores {@code data} at {@code key}, replacing any object there. */
    void put(String key, byte[] data);

    /** Streams the object; the caller closes the stream. Throws {@code NotFoundException} if absent. */
    InputStream get(String key);

    /** The whole object in memory (a chunk, a manifest). Throws {@code NotFoundException} if absent. */
    default byte[] getBytes(String key) {
        try (InputStream in = get(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot download " + key + " from " + describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Bytes {@code offset .. offset + length - 1} of the object (S3 {@code Range}). Throws
     * {@code NotFoundException} if absent and {@code CorruptDataException} if the object is shorter.
     */
    default byte[] getRange(String key, long offset, int length) {
        try (InputStream in = get(key)) {
            in.skipNBytes(offset);
            byte[] data = in.readNBytes(length);
            if (data.length != length) {
                throw new CorruptDataException("object " + key + " in " + describe() + " ends before byte " + (offset + length));
            }
            return data;
        } catch (EOFException e) {
            throw new CorruptDataException("object " + key + " in " + describe() + " ends before byte " + offset, e);
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot download " + key + " from " + describe() + ": " + e.getMessage(), e);
        }
    }

    /** The object's size and modification time (the store's clock), or empty if absent. */
    Optional<ObjectInfo> head(String key);

    default boolean exists(String key) {
        return head(key).isPresent();
    }

    /** Every object whose key starts with {@code prefix}, in key order, fetched page by page as consumed. */
    Stream<ObjectInfo> list(String prefix);

    /** Deletes the object; deleting an absent object is fine. */
    void delete(String key);

    /** Deletes many objects, in batches where the store supports it. */
    default void deleteAll(Collection<String> keys) {
        keys.forEach(this::delete);
    }

    /** Where this store is, for messages: "S3 http://127.0.0.1:9000 bucket mags". */
    String describe();
}
