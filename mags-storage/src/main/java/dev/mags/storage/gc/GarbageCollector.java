package dev.mags.storage.gc;

import dev.mags.storage.layout.BucketLayout;
import dev.mags.storage.lock.Lease;
import dev.mags.storage.lock.Leases;
import dev.mags.storage.manifest.Entry;
import dev.mags.storage.manifest.Manifest;
import dev.mags.storage.manifest.ManifestStore;
import dev.mags.storage.manifest.PackSlot;
import dev.mags.storage.object.ObjectInfo;
import dev.mags.storage.object.ObjectStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes chunks and packs that no manifest references, safely while syncs run on any host. A pack goes
 * when no manifest references any chunk in it; one live small file keeps its whole pack.
 *
 * <p>The danger: a sync that finds chunk C already in the bucket (uploaded by another workspace, or by its
 * own previous snapshot) does not upload it again, and commits a manifest referencing C minutes later. If
 * the workspace that owned C is deleted meanwhile and a collection runs, C must not go. Two known answers:
 * <ul>
 *   <li>restic: a sync holds a non-exclusive lock, prune takes an exclusive lock; prune never runs while any
 *       backup does, and a backup that lost its lock does not commit.</li>
 *   <li>kopia: no locks; objects are only deleted after a long safety margin, assuming no snapshot takes
 *       longer than that and that hosts' clocks roughly agree.</li>
 * </ul>
 * mags takes restic's model because it holds under any sync duration and never compares host clocks, and
 * makes it cheap: the expensive mark (read every manifest, list every chunk) runs with no lease at all; the
 * exclusive lease is held only for a re-check of manifests committed since the mark and the deletes, so
 * syncs (every 30 s per persistent workspace) wait seconds at most. On top, kopia's idea as a second line
 * of defence: a chunk younger than the grace period (by the store's clock) is never deleted, which covers
 * a sync whose uploads are done but whose lease went stale through a long pause.
 */
public final class GarbageCollector {
    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);
    private static final int DELETE_BATCH = 1000;

    private final ObjectStore store;
    private final ManifestStore manifests;
    private final Leases leases;
    private final Duration grace;

    public GarbageCollector(ObjectStore store, Leases leases, Duration grace) {
        this.store = store;
        this.manifests = new ManifestStore(store);
        this.leases = leases;
        this.grace = grace;
    }

    public GcReport collect() {
        long started = System.nanoTime();
        Set<String> seenManifests = new HashSet<>();
        Set<String> referenced = new HashSet<>();
        mark(seenManifests, referenced);
        Map<String, ObjectInfo> candidates = new HashMap<>();
        long chunksSeen = 0;
        for (String prefix : List.of(BucketLayout.CHUNKS, BucketLayout.PACKS)) {
            try (var s = store.list(prefix)) {
                List<ObjectInfo> all = s.toList();
                chunksSeen += all.size();
                for (ObjectInfo o : all) {
                    if (isGarbage(o.key(), referenced)) {
                        candidates.put(o.key(), o);
                    }
                }
            }
        }
        long deleted = 0;
        long bytes = 0;
        long young = 0;
        if (!candidates.isEmpty()) {
            try (Lease lease = leases.acquireExclusive("garbage collection")) {
                mark(seenManifests, referenced); // manifests committed since the first mark
                Instant now = store.head(lease.key()).map(ObjectInfo::lastModified).orElseGet(Instant::now);
                List<ObjectInfo> doomed = new ArrayList<>();
                for (Map.Entry<String, ObjectInfo> c : candidates.entrySet()) {
                    if (!isGarbage(c.getKey(), referenced)) {
                        continue;
                    }
                    if (c.getValue().lastModified().isAfter(now.minus(grace))) {
                        young++;
                    } else {
                        doomed.add(c.getValue());
                    }
                }
                for (int from = 0; from < doomed.size(); from += DELETE_BATCH) {
                    List<ObjectInfo> batch = doomed.subList(from, Math.min(doomed.size(), from + DELETE_BATCH));
                    lease.ensureHeld();
                    store.deleteAll(batch.stream().map(ObjectInfo::key).toList());
                    deleted += batch.size();
                    bytes += batch.stream().mapToLong(ObjectInfo::size).sum();
                }
            }
        }
        GcReport report = new GcReport(seenManifests.size(), referenced.size(), chunksSeen, deleted, bytes, young,
                Duration.ofNanos(System.nanoTime() - started));
        LOG.info("garbage collection: {}", report);
        return report;
    }

    /** A chunk or pack object that no manifest read so far references; other keys under those prefixes are left alone. */
    private static boolean isGarbage(String key, Set<String> referenced) {
        boolean content = BucketLayout.chunkHash(key).isPresent() || BucketLayout.packHash(key).isPresent();
        return content && !referenced.contains(key);
    }

    /** Adds the chunk and pack keys of every manifest not seen yet. A manifest that cannot be read aborts the collection. */
    private void mark(Set<String> seen, Set<String> referenced) {
        List<String> keys;
        try (var s = store.list(BucketLayout.WORKSPACES)) {
            keys = s.map(ObjectInfo::key).filter(k -> BucketLayout.parseManifestKey(k).isPresent())
                    .filter(k -> !seen.contains(k)).toList();
        }
        for (String key : keys) {
            Manifest m;
            try {
                m = manifests.read(key);
            } catch (dev.mags.storage.error.NotFoundException e) {
                continue; // deleted since the listing: its chunks may go
            }
            for (Entry e : m.entries()) {
                for (String chunk : e.chunks()) {
                    PackSlot slot = m.packed().get(chunk);
                    referenced.add(slot == null ? BucketLayout.chunkKey(chunk) : BucketLayout.packKey(slot.pack()));
                }
            }
            seen.add(key);
        }
    }
}
