package dev.mags.storage;

import dev.mags.storage.lock.LeaseSettings;
import dev.mags.storage.sync.SyncOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How workspace storage behaves on this host.
 *
 * @param stateDir  local state (the per-workspace index of the last sync), e.g. {@code <data-dir>/workspace-state}
 * @param sync      parallelism and compression of syncs
 * @param keepLast  snapshots kept per workspace after each sync (the older manifests are deleted)
 * @param gcGrace   unreferenced chunks younger than this are never collected
 * @param leases    heartbeat and staleness of the leases between syncs and garbage collection
 */
public record StorageSettings(Path stateDir, SyncOptions sync, int keepLast, Duration gcGrace, LeaseSettings leases) {
    public StorageSettings {
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(sync, "sync");
        Objects.requireNonNull(gcGrace, "gcGrace");
        Objects.requireNonNull(leases, "leases");
        if (keepLast < 1) {
            throw new IllegalArgumentException("keepLast must be at least 1, not " + keepLast);
        }
    }

    public static StorageSettings defaults(Path stateDir) {
        return new StorageSettings(stateDir, SyncOptions.DEFAULTS, 10, Duration.ofHours(1), LeaseSettings.DEFAULTS);
    }

    public StorageSettings withKeepLast(int n) {
        return new StorageSettings(stateDir, sync, n, gcGrace, leases);
    }

    public StorageSettings withGcGrace(Duration g) {
        return new StorageSettings(stateDir, sync, keepLast, g, leases);
    }

    public StorageSettings withLeases(LeaseSettings l) {
        return new StorageSettings(stateDir, sync, keepLast, gcGrace, l);
    }

    public StorageSettings withSync(SyncOptions s) {
        return new StorageSettings(stateDir, s, keepLast, gcGrace, leases);
    }
}
