package dev.mags.agent.process;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A process that prints fixed output and exits with a fixed code, or hangs until destroyed. */
public final class FakeProcess extends Process {
    private final byte[] stdout;
    private final byte[] stderr;
    private final int exitCode;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean destroyed;

    private FakeProcess(String stdout, String stderr, int exitCode, boolean hangs) {
        this.stdout = stdout.getBytes(StandardCharsets.UTF_8);
        this.stderr = stderr.getBytes(StandardCharsets.UTF_8);
        this.exitCode = exitCode;
        if (!hangs) {
            ended.countDown();
        }
    }

    public static FakeProcess exits(int code, String stdout, String stderr) {
        return new FakeProcess(stdout, stderr, code, false);
    }

    public static FakeProcess succeeds(String stdout) {
        return exits(0, stdout, "");
    }

    /** Never exits by itself; {@link #destroy()} ends it with 137. */
    public static FakeProcess hangs() {
        return new FakeProcess("", "", 137, true);
    }

    /** A fixed pid, so code that records or signals pids has one to use. */
    @Override
    public long pid() {
        return 99999;
    }

    /** No children: a fake starts no processes. */
    @Override
    public java.util.stream.Stream<ProcessHandle> descendants() {
        return java.util.stream.Stream.empty();
    }

    @Override
    public OutputStream getOutputStream() {
        return OutputStream.nullOutputStream();
    }

    @Override
    public InputStream getInputStream() {
        return new ByteArrayInputStream(stdout);
    }

    @Override
    public InputStream getErrorStream() {
        return new ByteArrayInputStream(stderr);
    }

    @Override
    public int waitFor() throws InterruptedException {
        ended.await();
        return exitValue();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        return ended.await(timeout, unit);
    }

    @Override
    public int exitValue() {
        if (ended.getCount() > 0) {
            throw new IllegalThreadStateException("still running");
        }
        return destroyed ? 137 : exitCode;
    }

    @Override
    public synchronized void destroy() {
        if (ended.getCount() > 0) { // like a real process: one that has exited keeps its exit code
            destroyed = true;
            ended.countDown();
        }
    }

    @Override
    public Process destroyForcibly() {
        destroy();
        return this;
    }

    @Override
    public boolean isAlive() {
        return ended.getCount() > 0;
    }

    public boolean wasDestroyed() {
        return destroyed;
    }
}
