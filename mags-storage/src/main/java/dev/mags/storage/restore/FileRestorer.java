package dev.mags.storage.restore;

import dev.mags.storage.chunk.ChunkId;
import dev.mags.storage.chunk.ChunkStore;
import dev.mags.storage.error.CorruptDataException;
import dev.mags.storage.manifest.Entry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.function.LongConsumer;

/** Writes one regular file from its chunks, fetching a few chunks ahead so large files stream at full speed. */
final class FileRestorer {
    private static final int AHEAD = 4;

    private final ChunkStore chunks;
    private final ExecutorService fetchPool;
    private final LongConsumer bytesDone;

    FileRestorer(ChunkStore chunks, ExecutorService fetchPool, LongConsumer bytesDone) {
        this.chunks = chunks;
        this.fetchPool = fetchPool;
        this.bytesDone = bytesDone;
    }

    void restore(Path root, Entry e) throws IOException {
        Path file = root.resolve(e.path());
        long written = 0;
        Deque<CompletableFuture<byte[]>> ahead = new ArrayDeque<>();
        int next = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            while (next < e.chunks().size() || !ahead.isEmpty()) {
                while (next < e.chunks().size() && ahead.size() < AHEAD) {
                    ChunkId id = new ChunkId(e.chunks().get(next++));
                    ahead.add(CompletableFuture.supplyAsync(() -> chunks.fetch(id), fetchPool));
                }
                byte[] data = join(ahead.poll());
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                written += data.length;
                bytesDone.accept(data.length);
            }
        } finally {
            ahead.forEach(f -> f.cancel(true));
        }
        if (written != e.size()) {
            throw new CorruptDataException("file " + e.path() + " should have " + e.size() + " bytes, its chunks hold " + written);
        }
    }

    private static byte[] join(CompletableFuture<byte[]> f) {
        try {
            return f.join();
        } catch (CompletionException ex) {
            if (ex.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw ex;
        }
    }
}
