package dev.mags.storage.sync;

import dev.mags.storage.chunk.ChunkCodec;
import dev.mags.storage.chunk.ChunkStore;
import dev.mags.storage.chunk.Chunking;
import dev.mags.storage.error.LocalIoException;
import dev.mags.storage.error.SnapshotConflictException;
import dev.mags.storage.index.IndexedFile;
import dev.mags.storage.index.LocalIndex;
import dev.mags.storage.index.LocalIndexStore;
import dev.mags.storage.layout.SnapshotId;
import dev.mags.storage.layout.WorkspaceRef;
import dev.mags.storage.lock.Lease;
import dev.mags.storage.lock.Leases;
import dev.mags.storage.manifest.Entry;
import dev.mags.storage.manifest.EntryType;
import dev.mags.storage.manifest.Manifest;
import dev.mags.storage.manifest.PackSlot;
import dev.mags.storage.manifest.ManifestStore;
import dev.mags.storage.object.ObjectStore;
import dev.mags.storage.progress.Progress;
import dev.mags.storage.progress.ProgressListener;
import dev.mags.storage.progress.Progress.Phase;
import dev.mags.storage.tree.ScannedEntry;
import dev.mags.storage.tree.TreeRoot;
import dev.mags.storage.tree.TreeScanner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs a directory tree into a new snapshot: chunks first, the manifest last. The manifest is the commit
 * point; a sync that fails or dies before it leaves the previous snapshot as the workspace's latest, and its
 * uploaded chunks are unreferenced garbage that collection removes later. Unchanged files (same size,
 * mtime, ctime and inode as in the local index of the latest snapshot) are not opened.
 */
public final class SnapshotWriter {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotWriter.class);

    private final ObjectStore store;
    private final ManifestStore manifests;
    private final FileTransfer transfer;
    private final Leases leases;
    private final LocalIndexStore indexes;
    private final SyncOptions options;
    private final Clock clock;

    public SnapshotWriter(ObjectStore store, Leases leases, LocalIndexStore indexes, SyncOptions options,
                          FileOpener opener, Clock clock) {
        this.store = store;
        this.manifests = new ManifestStore(store);
        this.transfer = new FileTransfer(new ChunkStore(store, new ChunkCodec(options.zstdLevel())), opener, options);
        this.leases = leases;
        this.indexes = indexes;
        this.options = options;
        this.clock = clock;
    }

    /** Syncs the tree at {@code dir}; every file in it is reached beneath its root ({@link TreeRoot}). */
    public SnapshotInfo sync(Path dir, WorkspaceRef ref, ProgressListener listener) {
        long started = System.nanoTime();
        Lease lease = null;
        try (TreeRoot root = openRoot(dir, ref)) {
            Optional<SnapshotId> latest = manifests.latest(ref);
            LocalIndex index = indexes.load(ref);
            Optional<String> parent = index.snapshot(); // what this copy was restored from or last synced as
            refuseIfBehind(ref, parent, latest);
            if (latest.isEmpty() || !parent.equals(latest.map(SnapshotId::value))) {
                index = LocalIndex.EMPTY; // the workspace is new, or this host lost its index: trust nothing
            }
            listener.onProgress(new Progress(Phase.SCANNING, 0, 0, 0, 0, 0));
            long scanStartNs = nanos(clock);
            List<ScannedEntry> scanned = scan(root, ref);
            FileTransfer.Plan plan = FileTransfer.plan(scanned, index);
            if (!plan.toRead().isEmpty()) {
                // before any chunk is looked up in or sent to the store: collection must not run meanwhile
                lease = leases.acquireShared("sync of workspace " + ref);
            }
            FileTransfer.Transfer t = transfer.transfer(root, plan, index, listener);
            List<Entry> entries = entries(scanned, t.results());
            Map<String, PackSlot> packed = packTable(entries, t.packed(), index.packed());
            long files = entries.stream().filter(e -> e.type() == EntryType.FILE || e.type() == EntryType.HARDLINK).count();
            long bytes = entries.stream().filter(Entry::isFile).mapToLong(Entry::size).sum();
            long racyAfter = scanStartNs - options.racyWindow().toNanos();
            if (latest.isPresent() && entries.equals(index.entries())) {
                if (t.filesRead() > 0) {
                    indexes.save(ref, newIndex(latest.get(), scanned, t.results(), entries, packed, racyAfter));
                }
                listener.onProgress(new Progress(Phase.DONE, plan.filesTotal(), plan.filesTotal(), plan.bytesTotal(),
                        plan.bytesTotal(), t.bytesUploaded()));
                return new SnapshotInfo(ref, latest.get(), entries.size(), files, bytes, t.filesRead(), t.bytesRead(),
                        t.chunksUploaded(), t.bytesUploaded(), Duration.ofNanos(System.nanoTime() - started), true);
            }
            if (lease == null) {
                lease = leases.acquireShared("sync of workspace " + ref);
            }
            listener.onProgress(new Progress(Phase.COMMITTING, plan.filesTotal(), plan.filesTotal(), plan.bytesTotal(),
                    plan.bytesTotal(), t.bytesUploaded()));
            lease.ensureHeld();
            // the commit checks its parent: a snapshot another host committed during this sync is not overwritten
            Optional<SnapshotId> latestNow = manifests.latest(ref);
            if (!latestNow.equals(latest)) {
                throw new SnapshotConflictException("workspace " + ref + " got snapshot " + latestNow.map(SnapshotId::value)
                        .orElse("(none)") + " from another host while this copy was being synced; this copy was not "
                        + "committed over it");
            }
            SnapshotId id = SnapshotId.next(clock.instant(), latest.orElse(null));
            // The index first: if the commit goes through unseen (its answer lost, the process killed right
            // after it), the retry finds the index of the snapshot that is now the latest, so an unchanged
            // tree opens no file and makes no second snapshot. An index whose snapshot was never committed
            // is ignored, since the store's latest differs (ids carry 32 random bits).
            indexes.save(ref, newIndex(id, scanned, t.results(), entries, packed, racyAfter));
            manifests.commit(ref, new Manifest(Manifest.FORMAT, id.value(), ref.owner(), ref.name(),
                    id.time().toString(), "", Chunking.CHUNK_SIZE, files, bytes, entries.size(), entries, packed));
            listener.onProgress(new Progress(Phase.DONE, plan.filesTotal(), plan.filesTotal(), plan.bytesTotal(),
                    plan.bytesTotal(), t.bytesUploaded()));
            SnapshotInfo info = new SnapshotInfo(ref, id, entries.size(), files, bytes, t.filesRead(), t.bytesRead(),
                    t.chunksUploaded(), t.bytesUploaded(), Duration.ofNanos(System.nanoTime() - started), false);
            LOG.info("synced workspace {} as snapshot {}: {} files, {} bytes, {} read, {} bytes uploaded in {} ms", ref, id,
                    files, bytes, t.filesRead(), info.bytesUploaded(), info.duration().toMillis());
            return info;
        } finally {
            if (lease != null) {
                lease.close();
            }
        }
    }

    /**
     * A copy that was restored from or synced as a snapshot older than the latest: another host has run the workspace
     * since (its work was moved while this host was cut off), and this older tree must not become the latest. A parent
     * newer than the latest is an index saved for a commit that never went through (see below): no conflict.
     */
    private static void refuseIfBehind(WorkspaceRef ref, Optional<String> parent, Optional<SnapshotId> latest) {
        if (parent.isPresent() && latest.isPresent() && new SnapshotId(parent.get()).compareTo(latest.get()) < 0) {
            throw new SnapshotConflictException("this copy of workspace " + ref + " descends from snapshot "
                    + parent.get() + ", but another host has committed " + latest.get().value() + " since; it is not "
                    + "synced over it (restore the workspace to continue from the latest)");
        }
    }

    private static TreeRoot openRoot(Path dir, WorkspaceRef ref) {
        try {
            return TreeRoot.open(dir);
        } catch (IOException e) {
            throw new LocalIoException("cannot open " + dir + " to sync workspace " + ref + ": " + e.getMessage(), e);
        }
    }

    private List<ScannedEntry> scan(TreeRoot root, WorkspaceRef ref) {
        try {
            return TreeScanner.scan(root);
        } catch (IOException e) {
            throw new LocalIoException("cannot scan " + root.path() + " to sync workspace " + ref + ": " + e.getMessage(), e);
        }
    }

    /** The manifest entries: files with their chunks; files deleted during the sync, and links to them, left out. */
    private static List<Entry> entries(List<ScannedEntry> scanned, Map<String, FileReadTask.Result> results) {
        Map<String, Long> sizes = new HashMap<>();
        List<Entry> out = new ArrayList<>(scanned.size());
        for (ScannedEntry s : scanned) {
            Entry e = s.entry();
            if (e.type() == EntryType.FILE) {
                FileReadTask.Result r = results.get(e.path());
                if (r == null) {
                    continue;
                }
                e = e.withChunks(r.chunks(), r.size());
                sizes.put(e.path(), r.size());
            } else if (e.type() == EntryType.HARDLINK) {
                Long size = sizes.get(e.target());
                if (size == null) {
                    continue;
                }
                e = e.withChunks(List.of(), size);
            }
            out.add(e);
        }
        return out;
    }

    /**
     * The new snapshot's pack table: where its packed chunks are, packed by this sync or (unchanged files, and
     * chunks this sync found known) by an earlier one. Slots no entry references any more are dropped.
     */
    private static Map<String, PackSlot> packTable(List<Entry> entries, Map<String, PackSlot> fresh,
                                                   Map<String, PackSlot> previous) {
        Map<String, PackSlot> table = new HashMap<>();
        for (Entry e : entries) {
            for (String chunk : e.chunks()) {
                PackSlot slot = fresh.get(chunk);
                if (slot == null) {
                    slot = previous.get(chunk);
                }
                if (slot != null) {
                    table.put(chunk, slot);
                }
            }
        }
        return table;
    }

    /**
     * The index of the new snapshot. A file changed shortly before the scan is recorded with ctime -1, so the
     * next sync reads it again: file times have the kernel's coarse clock tick, and a write in the same tick
     * as our stat, after our read, would leave size, mtime and ctime as we saw them (git's "racy clean").
     */
    private static LocalIndex newIndex(SnapshotId id, List<ScannedEntry> scanned, Map<String, FileReadTask.Result> results,
                                       List<Entry> entries, Map<String, PackSlot> packed, long racyAfterNs) {
        List<IndexedFile> files = new ArrayList<>();
        for (ScannedEntry s : scanned) {
            FileReadTask.Result r = results.get(s.entry().path());
            if (r != null) {
                long ctime = r.stat().ctimeNs() >= racyAfterNs || r.stat().mtimeNs() >= racyAfterNs ? -1 : r.stat().ctimeNs();
                files.add(new IndexedFile(s.entry().path(), r.size(), r.stat().mtimeNs(), ctime, r.stat().ino(), r.chunks()));
            }
        }
        return new LocalIndex(id.value(), files, entries, packed);
    }

    private static long nanos(Clock clock) {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
