package dev.mags.api;

/**
 * Event names of the live output stream {@code GET /mags-jobs/{id}/events} (server-sent events):
 * {@code log} carries a {@link LogEntry}, {@code status} a {@link JobInfo}; after a {@code status}
 * event with a final status the server closes the stream.
 */
public final class StreamEvent {
    public static final String LOG = "log";
    public static final String STATUS = "status";

    private StreamEvent() {}
}
