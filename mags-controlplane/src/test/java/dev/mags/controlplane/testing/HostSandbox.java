package dev.mags.controlplane.testing;

import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.CommandGate;
import dev.mags.protocol.v2.Exec;
import dev.mags.protocol.v2.ExecListener;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.ExitReason;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxEnd;
import dev.mags.protocol.v2.SandboxFiles;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in sandbox for the tests of the SSH gateway and the exec routes: its processes run on the host (a pty from pty4j, else pipes) with
 * {@code <dir>/root} as home and working directory, and its files are {@code <dir>} seen as {@code /}. Not
 * isolated in any way; the real sandbox is the agent's.
 */
public final class HostSandbox implements Sandbox, AutoCloseable {
    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final SandboxId id;
    private final Path dir;
    private final HostFiles files;
    private final List<HostExec> execs = new CopyOnWriteArrayList<>();
    public final List<ExecSpec> specs = new CopyOnWriteArrayList<>();
    /** Output bytes the gateway has taken from this sandbox's processes (listener calls that returned). */
    public final AtomicLong delivered = new AtomicLong();
    private final CompletableFuture<SandboxEnd> ended = new CompletableFuture<>();

    public HostSandbox(String id, Path dir) {
        this.id = SandboxId.of(id);
        this.dir = dir;
        this.files = new HostFiles(dir);
        try {
            Files.createDirectories(dir.resolve("root"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** Its processes, in the order they were started. */
    public List<HostExec> execs() {
        return List.copyOf(execs);
    }

    /** How many of its processes still run. */
    public long running() {
        return execs.stream().filter(e -> !e.exit().isDone()).count();
    }

    @Override
    public SandboxId id() {
        return id;
    }

    @Override
    public SandboxState state() {
        return ended.isDone() ? SandboxState.ENDED : SandboxState.RUNNING;
    }

    @Override
    public Exec exec(ExecSpec spec, ExecListener listener, CommandGate gate) {
        if (ended.isDone()) {
            throw new AgentException(AgentErrorCode.NOT_FOUND, "sandbox " + id + " has ended");
        }
        gate.beforeCommand();
        specs.add(spec);
        Path cwd = files.host(spec.cwd() == null ? "/root" : spec.cwd());
        Map<String, String> env = new java.util.HashMap<>(Map.of("PATH", PATH, "HOME", dir.resolve("root").toString(),
                "USER", "root", "LOGNAME", "root", "SHELL", "/bin/bash"));
        env.putAll(spec.environment());
        try {
            HostExec exec = HostExec.start(spec, env, cwd, (stream, data, offset, length) -> {
                listener.output(stream, data, offset, length);
                delivered.addAndGet(length);
            });
            execs.add(exec);
            return exec;
        } catch (IOException e) {
            throw new AgentException(AgentErrorCode.INVALID_SPEC, "cannot start " + spec.argv() + ": " + e.getMessage());
        }
    }

    @Override
    public java.net.Socket connect(int sandboxPort) throws IOException {
        return new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), sandboxPort); // the host's network is its own
    }

    @Override
    public <T> T dial(int sandboxPort, Opener<T> opener) throws IOException {
        return opener.open(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), sandboxPort));
    }

    @Override
    public SandboxFiles files() {
        return files;
    }

    @Override
    public void freeze() {
        throw new UnsupportedOperationException("not frozen in tests");
    }

    @Override
    public void thaw() {
        throw new UnsupportedOperationException("not frozen in tests");
    }

    @Override
    public CompletableFuture<SandboxEnd> stop(Duration grace, boolean sync) {
        for (HostExec exec : execs) {
            exec.signal(9);
        }
        for (HostExec exec : execs) {
            exec.exit().join();
        }
        ended.complete(new SandboxEnd(ExitReason.STOPPED, "stopped", null, null));
        return ended;
    }

    @Override
    public CompletableFuture<SandboxEnd> ended() {
        return ended;
    }

    @Override
    public void close() {
        stop(Duration.ZERO, false);
    }
}
