package dev.mags.controlplane.job;

import dev.mags.api.LogSource;
import dev.mags.protocol.v2.ExecListener;
import dev.mags.protocol.v2.ExecStream;
import java.time.Instant;

/**
 * A job's process output, as the agent hands it over (bytes, in order per stream), made into the job's lines:
 * split at newlines (a line longer than {@link LineSplitter#MAX_LINE_BYTES} in pieces), stamped when their end
 * comes in, appended to the job's {@link JobOutput}. Called from the agent's reader threads, one per stream.
 */
final class OutputLines implements ExecListener {
    private final LineSplitter stdout;
    private final LineSplitter stderr;

    OutputLines(JobOutput out) {
        this.stdout = new LineSplitter(line -> out.append(LogSource.STDOUT, Instant.now(), line));
        this.stderr = new LineSplitter(line -> out.append(LogSource.STDERR, Instant.now(), line));
    }

    @Override
    public void output(ExecStream stream, byte[] data, int offset, int length) {
        LineSplitter splitter = stream == ExecStream.STDERR ? stderr : stdout;
        synchronized (splitter) {
            splitter.accept(data, offset, length);
        }
    }

    /** The process has ended: what each stream left after its last newline is a line too. */
    void finish() {
        for (LineSplitter splitter : new LineSplitter[] {stdout, stderr}) {
            synchronized (splitter) {
                splitter.finish();
            }
        }
    }
}
