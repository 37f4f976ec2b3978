package dev.mags.storage.restore;

import dev.mags.storage.chunk.ChunkCodec;
import dev.mags.storage.chunk.ChunkStore;
import dev.mags.storage.error.CorruptDataException;
import dev.mags.storage.error.InvalidStorageArgumentException;
import dev.mags.storage.error.LocalIoException;
import dev.mags.storage.error.NotFoundException;
import dev.mags.storage.error.StorageException;
import dev.mags.storage.index.IndexedFile;
import dev.mags.storage.index.LocalIndex;
import dev.mags.storage.index.LocalIndexStore;
import dev.mags.storage.layout.SnapshotId;
import dev.mags.storage.layout.WorkspaceRef;
import dev.mags.storage.manifest.Entry;
import dev.mags.storage.manifest.EntryType;
import dev.mags.storage.manifest.Manifest;
import dev.mags.storage.manifest.ManifestStore;
import dev.mags.storage.manifest.PackSlot;
import dev.mags.storage.object.ObjectStore;
import dev.mags.storage.progress.Progress;
import dev.mags.storage.progress.Progress.Phase;
import dev.mags.storage.progress.ProgressListener;
import dev.mags.storage.tree.DirCursor;
import dev.mags.storage.tree.FileStat;
import dev.mags.storage.tree.TreeRoot;
import dev.mags.storage.tree.TreeWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Materialises a snapshot exactly: types (whiteouts, opaque dirs, devices, fifos), owners, modes with setuid
 * bits, nanosecond mtimes, symlinks, hard links and kept xattrs; every chunk is fetched once, packed chunks a
 * pack range per request, and verified against its hash.
 * It builds the tree in a temporary directory beside the target and renames it into place at the end, so a
 * failed restore leaves no half tree at the target. Then it writes the local index, so the next sync of the
 * restored tree opens no file that has not changed.
 */
public final class SnapshotReader {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotReader.class);

    private final ManifestStore manifests;
    private final ChunkStore chunks;
    private final LocalIndexStore indexes;
    private final int parallelism;

    public SnapshotReader(ObjectStore store, LocalIndexStore indexes, int parallelism) {
        this.manifests = new ManifestStore(store);
        this.chunks = new ChunkStore(store, new ChunkCodec(3));
        this.indexes = indexes;
        this.parallelism = parallelism;
    }

    /** Restores {@code snapshot} (empty: the latest) of {@code ref} to {@code target}, which must not exist. */
    public RestoreInfo restore(WorkspaceRef ref, Optional<SnapshotId> snapshot, Path target, ProgressListener listener) {
        long started = System.nanoTime();
        SnapshotId id = snapshot.orElseGet(() -> manifests.latest(ref)
                .orElseThrow(() -> new NotFoundException("workspace " + ref + " has no snapshot to restore")));
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidStorageArgumentException("cannot restore workspace " + ref + " to " + target + ": it exists");
        }
        Manifest m = manifests.read(ref, id);
        List<Entry> entries = m.entries();
        try {
            TreeWriter.checkPaths(entries);
        } catch (IOException e) {
            throw new CorruptDataException("snapshot " + id + " of workspace " + ref + " is unusable: " + e.getMessage(), e);
        }
        Path tmp = target.toAbsolutePath().resolveSibling("." + target.getFileName() + ".restore-" + UUID.randomUUID());
        LocalIndex index;
        try {
            Files.createDirectories(tmp.getParent());
            // 0700 until the root entry's mode is applied: nobody else enters a tree being built
            Files.createDirectory(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            try (TreeRoot root = TreeRoot.open(tmp)) {
                TreeWriter.createSkeleton(root, entries);
                writeFiles(root, m, listener);
                TreeWriter.createHardLinks(root, entries);
                TreeWriter.applyMetadata(root, entries);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                index = index(id, root, entries, m.packed()); // the root descriptor follows the rename
            }
        } catch (IOException | RuntimeException e) {
            cleanUp(tmp, e);
            if (e instanceof StorageException se) {
                throw se;
            }
            throw new LocalIoException("cannot restore snapshot " + id + " of workspace " + ref + " to " + target + ": "
                    + e.getMessage(), e);
        }
        indexes.save(ref, index);
        long files = entries.stream().filter(e -> e.type() == EntryType.FILE || e.type() == EntryType.HARDLINK).count();
        RestoreInfo info = new RestoreInfo(ref, id, target, entries.size(), files, m.bytes(),
                Duration.ofNanos(System.nanoTime() - started));
        LOG.info("restored snapshot {} of workspace {} to {}: {} files, {} bytes in {} ms", id, ref, target, files,
                m.bytes(), info.duration().toMillis());
        return info;
    }

    private void writeFiles(TreeRoot root, Manifest m, ProgressListener listener) throws IOException {
        List<Entry> files = m.entries().stream().filter(Entry::isFile).toList();
        long bytesTotal = files.stream().mapToLong(Entry::size).sum();
        AtomicLong filesDone = new AtomicLong();
        AtomicLong bytesDone = new AtomicLong();
        Runnable report = () -> listener.onProgress(new Progress(Phase.TRANSFERRING, filesDone.get(), files.size(),
                bytesDone.get(), bytesTotal, 0));
        try (ChunkRestorer restorer = new ChunkRestorer(chunks, m.packed(), w -> {
            bytesDone.addAndGet(w.bytes());
            if (w.fileDone()) {
                filesDone.incrementAndGet();
            }
            report.run();
        })) {
            List<RestoredFile> restored = new ArrayList<>(files.size());
            for (Entry e : files) {
                RestoredFile f = new RestoredFile(root, e, m.chunkSize());
                restored.add(f);
                if (e.chunks().isEmpty()) {
                    f.create();
                    filesDone.incrementAndGet();
                } else {
                    restorer.add(f);
                }
            }
            run(restorer.tasks());
            restored.forEach(RestoredFile::checkComplete);
        }
        listener.onProgress(new Progress(Phase.DONE, files.size(), files.size(), bytesTotal, bytesTotal, 0));
    }

    /** Runs the tasks on a pool of {@code parallelism} threads; the first failure cancels the rest. Returns when no task runs. */
    private void run(List<Runnable> tasks) {
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, Thread.ofPlatform().daemon().name("restore-", 0).factory());
        try {
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (Runnable task : tasks) {
                futures.add(CompletableFuture.runAsync(task, pool));
            }
            for (CompletableFuture<Void> f : futures) {
                try {
                    f.join();
                } catch (CompletionException ex) {
                    futures.forEach(other -> other.cancel(true));
                    if (ex.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw ex;
                }
            }
        } finally {
            pool.shutdownNow();
            // the tasks' decoders are closed next: no task may still be using one
            pool.close();
        }
    }

    /**
     * The local index of the restored tree: each file's stat, by its directory's descriptor. A file that
     * cannot be stat'ed is left out (the next sync reads it), as is everything if the tree cannot be opened.
     */
    private static LocalIndex index(SnapshotId id, TreeRoot root, List<Entry> entries, Map<String, PackSlot> packed) {
        List<IndexedFile> files = new ArrayList<>();
        try (DirCursor dirs = new DirCursor(root)) {
            for (Entry e : entries) {
                if (e.isFile()) {
                    try {
                        FileStat st = dirs.parentOf(e.path()).stat(TreeRoot.nameOf(e.path()));
                        files.add(new IndexedFile(e.path(), st.size(), st.mtimeNs(), st.ctimeNs(), st.ino(), e.chunks()));
                    } catch (IOException ex) {
                        LOG.debug("not indexing {}: {}", e.path(), ex.toString());
                    }
                }
            }
        } catch (IOException ex) {
            LOG.warn("not indexing the restored tree {}: {}", root.path(), ex.toString());
        }
        return new LocalIndex(id.value(), files, entries, packed);
    }

    private static void cleanUp(Path tmp, Exception cause) {
        try {
            TreeWriter.deleteRecursively(tmp);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }
}
