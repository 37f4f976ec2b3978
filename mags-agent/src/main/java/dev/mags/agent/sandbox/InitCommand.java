package dev.mags.agent.sandbox;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;

/**
 * A job's command run by the init's {@link InitStandby}: its output comes through the FIFOs, its exit code
 * in the reporting shell's {@link ExitMarker} line, and its end is the reporting shell's.
 */
final class InitCommand implements RunningCommand {
    /** The exit code of a command whose container was killed before it could report one: SIGKILL's. */
    static final int KILLED = 128 + 9;

    private final InputStream stdout;
    private final InputStream stderr;
    private final ProcessHandle reporter;
    private final ExitMarker marker;

    InitCommand(InputStream stdout, InputStream stderr, ProcessHandle reporter, ExitMarker marker) {
        this.stdout = stdout;
        this.stderr = new FilterInputStream(stderr) {
            @Override
            public int read() throws IOException {
                return ended(super.read());
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return ended(super.read(b, off, len));
            }

            @Override
            public void close() throws IOException {
                marker.outputEnded();
                super.close();
            }

            private int ended(int n) {
                if (n < 0) {
                    marker.outputEnded(); // the marker line, if any, was read before the end
                }
                return n;
            }
        };
        this.reporter = reporter;
        this.marker = marker;
    }

    ExitMarker marker() {
        return marker;
    }

    /** The reporting shell, whose children are the command. */
    ProcessHandle reporter() {
        return reporter;
    }

    @Override
    public InputStream stdout() {
        return stdout;
    }

    @Override
    public InputStream stderr() {
        return stderr;
    }

    @Override
    public boolean waitFor(long millis) throws InterruptedException {
        return marker.await(Duration.ofMillis(millis)).isPresent() || !reporter.isAlive();
    }

    @Override
    public int exitValue() throws InterruptedException {
        Optional<Integer> code = marker.await(Container.KILL_WAIT); // ends at EOF of stderr without a marker
        return code.orElse(KILLED);
    }

    @Override
    public void destroyForcibly() {
        // No process of the agent's own: the container's kill ends the reporting shell and the command.
    }
}
