package dev.mags.storage.sync;

/**
 * How a sync works.
 *
 * @param parallelism files read and chunks uploaded at once (each in-flight chunk holds up to 4 MiB)
 * @param zstdLevel   compression level of chunks (3: zstd's default; 1 is faster, 9 smaller)
 * @param racyWindow  files changed this long before a sync's scan are read again by the next sync even if
 *                    they look unchanged (file times tick coarsely; see {@link SnapshotWriter})
 */
public record SyncOptions(int parallelism, int zstdLevel, java.time.Duration racyWindow) {
    public static final SyncOptions DEFAULTS = new SyncOptions(8, 3, java.time.Duration.ofSeconds(2));

    public SyncOptions {
        if (parallelism < 1 || parallelism > 256) {
            throw new IllegalArgumentException("parallelism must be 1..256, not " + parallelism);
        }
        if (zstdLevel < 1 || zstdLevel > 19) {
            throw new IllegalArgumentException("zstd level must be 1..19, not " + zstdLevel);
        }
    }
}
