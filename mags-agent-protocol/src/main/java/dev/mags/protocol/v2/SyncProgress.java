package dev.mags.protocol.v2;

/**
 * How far a running sync of a workspace is.
 *
 * @param phase      scanning, transferring or committing
 * @param bytesDone  plain bytes of the files done so far (unchanged files count as done at once)
 * @param bytesTotal plain bytes of all files
 */
public record SyncProgress(String phase, long filesDone, long filesTotal, long bytesDone, long bytesTotal) {}
