package dev.mags.storage.restore;

import dev.mags.storage.error.CorruptDataException;
import dev.mags.storage.manifest.Entry;
import dev.mags.storage.tree.TreeFile;
import dev.mags.storage.tree.TreeRoot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A regular file being restored. Its chunks arrive in any order from any thread (a pack holds chunks of many
 * files, a large file's chunks are fetched in parallel), each written at its place: chunk i at i × chunk size.
 * The file is opened beneath the restore's root for each write (no symlink followed on the way or at the end).
 */
final class RestoredFile {
    private final Entry entry;
    private final TreeRoot root;
    private final int chunkSize;
    private final AtomicLong written = new AtomicLong();

    RestoredFile(TreeRoot root, Entry entry, int chunkSize) {
        this.entry = entry;
        this.root = root;
        this.chunkSize = chunkSize;
    }

    Entry entry() {
        return entry;
    }

    /** Creates the file (for a file without chunks, all there is to do). */
    void create() throws IOException {
        root.createFile(entry.path(), 0600).close();
    }

    /**
     * Writes chunk {@code index}. Every chunk but the last is exactly one chunk size long (fixed-size chunking);
     * a manifest that says otherwise is refused rather than leaving holes.
     *
     * @return true if this write completed the file
     */
    boolean write(int index, ByteBuffer plain) throws IOException {
        boolean last = index == entry.chunks().size() - 1;
        long offset = (long) index * chunkSize;
        int length = plain.remaining();
        if (last ? offset + length != entry.size() : length != chunkSize) {
            throw new CorruptDataException("file " + entry.path() + " of " + entry.size() + " bytes cannot hold "
                    + length + " bytes as its chunk " + (index + 1) + " of " + entry.chunks().size());
        }
        try (TreeFile f = root.openForWriting(entry.path())) {
            f.write(offset, plain);
        }
        return written.addAndGet(length) == entry.size();
    }

    /** Throws unless every byte of the file was written. */
    void checkComplete() {
        if (written.get() != entry.size()) {
            throw new CorruptDataException("file " + entry.path() + " should have " + entry.size() + " bytes, its chunks hold "
                    + written.get());
        }
    }
}
