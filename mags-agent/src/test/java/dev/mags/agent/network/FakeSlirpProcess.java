package dev.mags.agent.network;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A process with a pid that runs until destroyed, or that has already exited with some stderr. */
final class FakeSlirpProcess extends Process {
    private final CountDownLatch ended = new CountDownLatch(1);
    private final byte[] stderr;
    private final int exitCode;
    private volatile boolean destroyed;

    private FakeSlirpProcess(boolean running, int exitCode, String stderr) {
        this.exitCode = exitCode;
        this.stderr = stderr.getBytes(StandardCharsets.UTF_8);
        if (!running) {
            ended.countDown();
        }
    }

    static FakeSlirpProcess running() {
        return new FakeSlirpProcess(true, 0, "");
    }

    static FakeSlirpProcess exited(int code, String stderr) {
        return new FakeSlirpProcess(false, code, stderr);
    }

    boolean wasDestroyed() {
        return destroyed;
    }

    @Override
    public long pid() {
        return 99999;
    }

    @Override
    public OutputStream getOutputStream() {
        return OutputStream.nullOutputStream();
    }

    @Override
    public InputStream getInputStream() {
        return InputStream.nullInputStream();
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
    public void destroy() {
        destroyed = true;
        ended.countDown();
    }

    @Override
    public boolean isAlive() {
        return ended.getCount() > 0;
    }
}
