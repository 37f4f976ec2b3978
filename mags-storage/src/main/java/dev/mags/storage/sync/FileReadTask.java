package dev.mags.storage.sync;

import dev.mags.storage.chunk.Chunking;
import dev.mags.storage.tree.FileStat;
import dev.mags.storage.tree.ScannedEntry;
import dev.mags.storage.tree.TreeFile;
import dev.mags.storage.tree.TreeRoot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one changed file into fixed-size chunks and hands them to the uploader. The file is opened once,
 * beneath the tree's root (O_NOFOLLOW, O_NONBLOCK, no symlink on the way) and must be a regular file by fstat
 * of that descriptor; every read and the stability check go through the same descriptor. A file that changes
 * while it is read (the sandbox may be running) is read again, up to three times; after that the last read
 * is kept and the next sync, seeing a new ctime, reads it once more.
 */
final class FileReadTask {
    private static final Logger LOG = LoggerFactory.getLogger(FileReadTask.class);
    private static final int ATTEMPTS = 3;

    /** The chunks of a file and the stat taken before the read they came from. */
    record Result(List<String> chunks, long size, FileStat stat) {
        /** A file deleted between the scan and its read. */
        static final Result VANISHED = new Result(List.of(), -1, null);
    }

    private final FileOpener opener;
    private final ChunkUploader uploader;
    private final LongConsumer bytesDone;

    FileReadTask(FileOpener opener, ChunkUploader uploader, LongConsumer bytesDone) {
        this.opener = opener;
        this.uploader = uploader;
        this.bytesDone = bytesDone;
    }

    Result read(TreeRoot root, ScannedEntry scanned) throws IOException, InterruptedException {
        try (TreeFile file = opener.open(root, scanned.path())) {
            FileStat before = scanned.stat();
            for (int attempt = 1; ; attempt++) {
                List<CompletableFuture<String>> parts = new ArrayList<>();
                long size = readInto(file, before.size(), parts, attempt == 1);
                List<String> chunks = new ArrayList<>(parts.size());
                for (CompletableFuture<String> part : parts) {
                    chunks.add(Futures.join(part));
                }
                FileStat after = file.stat();
                boolean stable = after.size() == size && after.mtimeNs() == before.mtimeNs()
                        && after.ctimeNs() == before.ctimeNs();
                if (stable || attempt == ATTEMPTS) {
                    if (!stable) {
                        LOG.warn("{} kept changing while it was read; keeping the last read ({} bytes)", scanned.path(), size);
                    }
                    return new Result(chunks, size, before);
                }
                before = after;
            }
        }
    }

    private long readInto(TreeFile file, long expected, List<CompletableFuture<String>> parts, boolean countProgress)
            throws IOException, InterruptedException {
        long total = 0;
        while (true) {
            long remaining = Math.max(expected - total, 0);
            byte[] buf = new byte[(int) Math.min(Chunking.CHUNK_SIZE, Math.max(remaining + 1, 8192))];
            int n = file.read(total, buf, 0, buf.length);
            if (n == buf.length && buf.length < Chunking.CHUNK_SIZE) {
                buf = Arrays.copyOf(buf, Chunking.CHUNK_SIZE); // the file grew past what stat said
                n += file.read(total + n, buf, n, buf.length - n);
            }
            if (n > 0) {
                int len = n;
                parts.add(uploader.submit(buf, len, () -> {
                    if (countProgress) {
                        bytesDone.accept(len);
                    }
                }));
                total += n;
            }
            if (n < Chunking.CHUNK_SIZE) {
                return total;
            }
        }
    }
}
