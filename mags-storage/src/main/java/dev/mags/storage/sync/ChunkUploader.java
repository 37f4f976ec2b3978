package dev.mags.storage.sync;

import dev.mags.storage.chunk.ChunkId;
import dev.mags.storage.chunk.ChunkStore;
import dev.mags.storage.manifest.PackSlot;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hashes, compresses and uploads chunks on a bounded pool. At most {@code permits} chunks are in memory at
 * once; chunks known to exist (the last snapshot's, or uploaded earlier in this sync) are not even looked up.
 * Small chunks go to the {@link PackWriter}; {@link #finish} stores its last pack.
 */
final class ChunkUploader {
    private final ChunkStore chunks;
    private final ExecutorService pool;
    private final Semaphore inFlight;
    private final Set<String> known;
    private final Set<String> inThisSync = ConcurrentHashMap.newKeySet();
    private final PackWriter packs;
    private final AtomicLong chunksUploaded = new AtomicLong();
    private final AtomicLong bytesUploaded = new AtomicLong();

    ChunkUploader(ChunkStore chunks, ExecutorService pool, int permits, Set<String> known) {
        this.chunks = chunks;
        this.packs = new PackWriter(chunks);
        this.pool = pool;
        this.inFlight = new Semaphore(permits);
        this.known = known;
    }

    /** Takes ownership of {@code data}; blocks while too many chunks are in flight. */
    CompletableFuture<String> submit(byte[] data, int length, Runnable onDone) throws InterruptedException {
        inFlight.acquire();
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    ChunkId id = ChunkId.of(data, 0, length);
                    String hex = id.hex();
                    if (!known.contains(hex) && inThisSync.add(hex)) {
                        if (length <= ChunkStore.PACKED_AT_MOST) {
                            packs.add(hex, chunks.encode(data, length));
                        } else {
                            long sent = chunks.upload(id, data, length);
                            if (sent > 0) {
                                chunksUploaded.incrementAndGet();
                                bytesUploaded.addAndGet(sent);
                            }
                        }
                    }
                    onDone.run();
                    return hex;
                } finally {
                    inFlight.release();
                }
            }, pool);
        } catch (RuntimeException e) {
            inFlight.release();
            throw e;
        }
    }

    /** Stores the last pack; returns where this sync's packed chunks are. */
    Map<String, PackSlot> finish() {
        packs.flush();
        return packs.slots();
    }

    long chunksUploaded() {
        return chunksUploaded.get() + packs.chunksStored.get();
    }

    long bytesUploaded() {
        return bytesUploaded.get() + packs.bytesStored.get();
    }
}
