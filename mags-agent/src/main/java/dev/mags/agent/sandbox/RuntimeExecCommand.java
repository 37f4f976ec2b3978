package dev.mags.agent.sandbox;

import java.io.InputStream;
import java.util.concurrent.TimeUnit;

/** A command run by a foreground {@code runc exec}, which exits with the command's exit code. */
final class RuntimeExecCommand implements RunningCommand {
    private final Process exec;

    RuntimeExecCommand(Process exec) {
        this.exec = exec;
    }

    @Override
    public InputStream stdout() {
        return exec.getInputStream();
    }

    @Override
    public InputStream stderr() {
        return exec.getErrorStream();
    }

    @Override
    public boolean waitFor(long millis) throws InterruptedException {
        return exec.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public int exitValue() throws InterruptedException {
        return exec.waitFor();
    }

    @Override
    public void destroyForcibly() {
        exec.destroyForcibly();
    }

    boolean isAlive() {
        return exec.isAlive();
    }
}
