package dev.mags.agent.process;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The {@code runc exec} of a standby shell: it waits until its stdin is closed, then becomes the job's
 * process, which {@code job} supplies (as the shell would {@code exec} the job's command). Keeps the
 * text it was handed.
 */
public final class FakeStandbyProcess extends Process {
    private final Supplier<FakeProcess> job;
    private final ByteArrayOutputStream handed = new ByteArrayOutputStream();
    private volatile Process current = FakeProcess.hangs();

    public FakeStandbyProcess(Supplier<FakeProcess> job) {
        this.job = job;
    }

    /** What the agent wrote to the shell's stdin. */
    public String handedText() {
        return handed.toString(StandardCharsets.UTF_8);
    }

    @Override
    public OutputStream getOutputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                handed.write(b);
            }

            @Override
            public void close() {
                if (current instanceof FakeProcess waiting && waiting.isAlive()) {
                    current = handed.size() == 0 ? FakeProcess.exits(0, "", "") : job.get();
                    waiting.destroy();
                }
            }
        };
    }

    @Override
    public InputStream getInputStream() {
        return current.getInputStream();
    }

    @Override
    public InputStream getErrorStream() {
        return current.getErrorStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
        while (!waitFor(10, TimeUnit.MILLISECONDS)) {
            // the current process may change once the job is handed over
        }
        return exitValue();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        Process now = current;
        boolean ended = now.waitFor(timeout, unit);
        return ended && now == current;
    }

    @Override
    public int exitValue() {
        return current.exitValue();
    }

    @Override
    public void destroy() {
        current.destroy();
    }

    @Override
    public Process destroyForcibly() {
        current.destroyForcibly();
        return this;
    }

    @Override
    public boolean isAlive() {
        return current.isAlive();
    }

    @Override
    public long pid() {
        return current.pid();
    }
}
