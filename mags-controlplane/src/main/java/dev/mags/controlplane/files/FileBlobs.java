package dev.mags.controlplane.files;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;

/**
 * Where the bytes of uploaded files are kept: each file as numbered parts of at most {@link #PART_BYTES}.
 * The real one is the bucket of workspace storage ({@code files/<user id>/<file id>/<part>}); tests use a map.
 * Every method throws {@link FileStorageException} when the store fails.
 */
public interface FileBlobs {
    /** Bytes of each part but the last; bounds what an upload holds in memory. */
    int PART_BYTES = 4 * 1024 * 1024;

    /** Stores part {@code index} (from 0) of a file: {@code data[0, length)}. */
    void putPart(String userId, String fileId, int index, byte[] data, int length);

    /** The file's bytes, its {@code parts} parts one after the other; the caller closes the stream. */
    InputStream open(String userId, String fileId, int parts);

    /** Removes every part of the file, also of an upload that never finished; harmless when there is none. */
    void delete(String userId, String fileId);

    /** Every file with parts in the store and the time of its newest part (to find unfinished uploads). */
    List<StoredBlob> list();

    record StoredBlob(String userId, String fileId, Instant modified) {}

    /**
     * The parts one after the other as one stream, each opened when the one before it has been read, so that a
     * reader holds one part's stream at a time.
     */
    static InputStream inOrder(int parts, java.util.function.IntFunction<InputStream> openPart) {
        return new java.io.SequenceInputStream(new java.util.Enumeration<>() {
            private int next;

            @Override
            public boolean hasMoreElements() {
                return next < parts;
            }

            @Override
            public InputStream nextElement() {
                if (next >= parts) {
                    throw new java.util.NoSuchElementException();
                }
                return openPart.apply(next++);
            }
        });
    }
}
