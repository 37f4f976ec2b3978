package dev.mags.storage.progress;

/**
 * Where a sync or restore stands.
 *
 * @param phase         what it is doing now
 * @param filesDone     regular files finished (reused unchanged ones count as done from the start)
 * @param filesTotal    regular files in the tree
 * @param bytesDone     plain bytes of those files finished
 * @param bytesTotal    plain bytes of all regular files
 * @param bytesUploaded compressed bytes sent to the store so far (0 for a restore)
 */
public record Progress(Phase phase, long filesDone, long filesTotal, long bytesDone, long bytesTotal, long bytesUploaded) {
    public enum Phase { SCANNING, TRANSFERRING, COMMITTING, DONE }

    public double fraction() {
        return bytesTotal == 0 ? (phase == Phase.DONE ? 1 : 0) : (double) bytesDone / bytesTotal;
    }
}
