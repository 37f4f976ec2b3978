package dev.mags.agent.security;

import dev.mags.agent.process.PipeReaders;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The busybox processes of {@link SandboxUserNamespaces} that hold a sandbox's user namespace until its
 * container has joined it. The inner one waits for the agent's pipe to close: {@link #close()} closes it,
 * and both end.
 */
public final class UserNamespaceHolder implements AutoCloseable {
    private static final Duration STDERR_WAIT = Duration.ofSeconds(1);

    private final Process holder;
    private final Duration wait;
    private final Path proc;
    private volatile Path path;
    /** What {@code path} links to ({@code user:[inode]}) when the namespace was made. */
    private volatile String identity;

    UserNamespaceHolder(Process holder, Duration wait, Path proc) {
        this.holder = holder;
        this.wait = wait;
        this.proc = proc;
    }

    /** {@code /proc/<pid>/ns/user}: the sandbox's user namespace, for the container's config. */
    public Path path() {
        return path;
    }

    void joinable(Path userNamespace, String identity) {
        this.path = userNamespace;
        this.identity = identity;
    }

    /**
     * Whether process {@code pid} (a container's init) is in this namespace. The container joins it by pid, and
     * a pid can be reused once its process has died: the namespace is checked by its identity too.
     */
    public boolean isJoinedBy(long pid) {
        try {
            return path != null && identity.equals(
                    Files.readSymbolicLink(proc.resolve(Long.toString(pid)).resolve("ns/user")).toString());
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the holder still runs (and with it the namespace's path). */
    boolean alive() {
        return holder.isAlive();
    }

    /** The process in the outer namespace (while it runs). */
    long outerPid() {
        return holder.pid();
    }

    /**
     * Closes the pipe the inner process waits on; both processes then end by themselves, and are killed
     * if they have not within the wait. Returns at once: nothing waits for them to go.
     */
    @Override
    public void close() {
        closeInput();
        holder.onExit().orTimeout(wait.toMillis(), TimeUnit.MILLISECONDS).exceptionally(stillRunning -> {
            kill();
            return holder;
        });
    }

    void kill() {
        holder.descendants().forEach(ProcessHandle::destroyForcibly);
        holder.destroyForcibly();
        closeInput(); // a descendant that escaped the kill (reparented) ends at EOF
        try {
            holder.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeInput() {
        try {
            holder.getOutputStream().close();
        } catch (IOException e) {
            // already closed: the process is gone
        }
    }

    /**
     * What the holder said on stderr, up to its end or {@link #STDERR_WAIT}: read before a kill, which
     * would close the pipe, and on a thread of its own, so that a writer still alive cannot block the caller.
     */
    String stderr() {
        StringBuilder text = new StringBuilder();
        Thread reader = PipeReaders.thread().name("userns-stderr").start(() -> {
            byte[] buffer = new byte[4096];
            try {
                InputStream err = holder.getErrorStream();
                for (int n; text.length() < 16 * 1024 && (n = err.read(buffer)) > 0; ) {
                    synchronized (text) {
                        text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException e) {
                // closed by a kill: what was read is all there is
            }
        });
        try {
            reader.join(STDERR_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (text) {
            return text.toString().strip();
        }
    }
}
