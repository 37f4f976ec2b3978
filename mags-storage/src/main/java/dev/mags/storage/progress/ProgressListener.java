package dev.mags.storage.progress;

/**
 * Told how a sync or restore advances, from worker threads (implementations must be thread-safe and quick;
 * a CLI progress bar throttles its own redraws). Called at least once per file and once per chunk.
 */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = p -> { };

    void onProgress(Progress progress);
}
