package dev.mags.controlplane.files;

import java.time.Duration;

/**
 * Bounds of uploads: bytes per file ({@code --max-upload-mb}, 100 MiB as the reference), bytes a user may keep
 * ({@code --max-file-storage-mb}), files per upload, uploads at once (each holds one part in memory), and how
 * long a file is kept after its last use ({@code --file-retention}).
 */
public record FileLimits(long maxFileBytes, long maxBytesPerUser, int maxFilesPerUpload, int concurrentUploads,
        Duration retention) {
    public static final FileLimits DEFAULT = new FileLimits(100L << 20, 1L << 30, 32, 8, Duration.ofHours(24));

    public FileLimits {
        if (maxFileBytes < 1 || maxBytesPerUser < 1 || maxFilesPerUpload < 1 || concurrentUploads < 1
                || retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("file limits must be positive");
        }
    }

    /**
     * The largest body an upload may have: its files at their limit and room for the multipart framing, at most
     * 2 GiB - 1 (Undertow's chunked request decoding takes the limit as an int).
     */
    public long maxBodyBytes() {
        return Math.min(Integer.MAX_VALUE, maxFilesPerUpload * maxFileBytes + (1L << 20));
    }
}
