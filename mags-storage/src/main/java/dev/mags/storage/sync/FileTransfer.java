package dev.mags.storage.sync;

import dev.mags.storage.chunk.ChunkStore;
import dev.mags.storage.error.LocalIoException;
import dev.mags.storage.error.StoreUnavailableException;
import dev.mags.storage.index.IndexedFile;
import dev.mags.storage.index.LocalIndex;
import dev.mags.storage.manifest.EntryType;
import dev.mags.storage.manifest.PackSlot;
import dev.mags.storage.progress.Progress;
import dev.mags.storage.progress.Progress.Phase;
import dev.mags.storage.progress.ProgressListener;
import dev.mags.storage.tree.ScannedEntry;
import dev.mags.storage.tree.TreeRoot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data half of a sync: decides which files are unchanged (their chunk lists are reused unopened) and
 * reads the others on a bounded pool, handing their chunks to the {@link ChunkUploader}. The first failure
 * stops the files not started yet and is rethrown once the running ones have ended.
 */
final class FileTransfer {
    private static final Logger LOG = LoggerFactory.getLogger(FileTransfer.class);

    private final ChunkStore chunks;
    private final FileOpener opener;
    private final SyncOptions options;

    FileTransfer(ChunkStore chunks, FileOpener opener, SyncOptions options) {
        this.chunks = chunks;
        this.opener = opener;
        this.options = options;
    }

    /** Which files can reuse their chunk lists (unchanged since the index) and which must be read. */
    record Plan(Map<String, FileReadTask.Result> reused, List<ScannedEntry> toRead, long filesTotal,
                        long bytesTotal, long reusedBytes) {}

    /** What was read and sent; {@code packed} says where this sync's small chunks went. */
    record Transfer(Map<String, FileReadTask.Result> results, long filesRead, long bytesRead,
                            long chunksUploaded, long bytesUploaded, Map<String, PackSlot> packed) {}

    static Plan plan(List<ScannedEntry> scanned, LocalIndex index) {
        Map<String, IndexedFile> previous = index.byPath();
        Map<String, FileReadTask.Result> reused = new HashMap<>();
        List<ScannedEntry> toRead = new ArrayList<>();
        long filesTotal = 0;
        long bytesTotal = 0;
        long reusedBytes = 0;
        for (ScannedEntry s : scanned) {
            if (s.entry().type() != EntryType.FILE) {
                continue;
            }
            filesTotal++;
            bytesTotal += s.stat().size();
            IndexedFile old = previous.get(s.entry().path());
            if (old != null && old.matches(s.stat().size(), s.stat().mtimeNs(), s.stat().ctimeNs(), s.stat().ino())) {
                reused.put(s.entry().path(), new FileReadTask.Result(old.chunks(), old.size(), s.stat()));
                reusedBytes += old.size();
            } else {
                toRead.add(s);
            }
        }
        return new Plan(reused, toRead, filesTotal, bytesTotal, reusedBytes);
    }

    Transfer transfer(TreeRoot root, Plan plan, LocalIndex index, ProgressListener listener) {
        Map<String, FileReadTask.Result> results = new HashMap<>(plan.reused());
        List<ScannedEntry> toRead = plan.toRead();
        if (toRead.isEmpty()) {
            return new Transfer(results, 0, 0, 0, 0, Map.of());
        }
        AtomicLong filesDone = new AtomicLong(plan.filesTotal() - toRead.size());
        AtomicLong bytesDone = new AtomicLong(plan.reusedBytes());
        long ft = plan.filesTotal();
        long bt = plan.bytesTotal();
        ExecutorService filePool = Executors.newFixedThreadPool(options.parallelism(), Thread.ofPlatform().daemon().name("sync-read-", 0).factory());
        ExecutorService chunkPool = Executors.newFixedThreadPool(options.parallelism(), Thread.ofPlatform().daemon().name("sync-upload-", 0).factory());
        ChunkUploader uploader = new ChunkUploader(chunks, chunkPool, options.parallelism() * 2, Set.copyOf(index.chunks()));
        Runnable report = () -> listener.onProgress(new Progress(Phase.TRANSFERRING, filesDone.get(), ft, bytesDone.get(), bt,
                uploader.bytesUploaded()));
        FileReadTask reader = new FileReadTask(opener, uploader, n -> {
            bytesDone.addAndGet(n);
            report.run();
        });
        AtomicBoolean failed = new AtomicBoolean();
        try {
            report.run();
            List<CompletableFuture<FileReadTask.Result>> futures = new ArrayList<>();
            for (ScannedEntry s : toRead) {
                futures.add(CompletableFuture.supplyAsync(() -> {
                    if (failed.get()) {
                        throw new java.util.concurrent.CancellationException("sync failed");
                    }
                    try {
                        FileReadTask.Result r = reader.read(root, s);
                        filesDone.incrementAndGet();
                        report.run();
                        return r;
                    } catch (java.nio.file.NoSuchFileException e) {
                        // deleted, or replaced (a symlink or another kind of entry in its way) while the sync ran
                        LOG.debug("{} is not in this snapshot: {}", s.path(), e.getMessage());
                        filesDone.incrementAndGet();
                        return FileReadTask.Result.VANISHED;
                    } catch (IOException e) {
                        failed.set(true);
                        throw new LocalIoException("cannot read " + s.path() + " in " + root.path() + ": " + e.getMessage(), e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        failed.set(true);
                        throw new StoreUnavailableException("interrupted while uploading " + s.path(), e);
                    } catch (RuntimeException e) {
                        failed.set(true);
                        throw e;
                    }
                }, filePool));
            }
            RuntimeException first = null;
            long bytesRead = 0;
            for (int i = 0; i < futures.size(); i++) {
                try {
                    FileReadTask.Result r = Futures.join(futures.get(i));
                    if (r != FileReadTask.Result.VANISHED) {
                        results.put(toRead.get(i).entry().path(), r);
                        bytesRead += r.size();
                    }
                } catch (RuntimeException e) {
                    if (first == null || first instanceof java.util.concurrent.CancellationException) {
                        first = e;
                    }
                }
            }
            if (first != null) {
                throw first;
            }
            Map<String, PackSlot> packed = uploader.finish();
            return new Transfer(results, toRead.size(), bytesRead, uploader.chunksUploaded(),
                    uploader.bytesUploaded(), packed);
        } finally {
            filePool.shutdownNow();
            chunkPool.shutdownNow();
        }
    }
}
