package dev.mags.controlplane;

import dev.mags.controlplane.config.ControlPlaneConfig;
import dev.mags.controlplane.exec.ExecLimits;
import dev.mags.controlplane.exec.ExecTarget;
import dev.mags.controlplane.state.Database;
import dev.mags.controlplane.testing.HostSandbox;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real control plane on a free loopback port (SQLite in a temp dir, a fake agent for jobs) whose exec routes
 * run in sandboxes of host processes ({@link HostSandbox}), each the sandbox of one user's name. Public: the
 * CLI's tests drive {@code mags exec} against it.
 */
public final class ExecServer implements AutoCloseable {
    private final Path dir;
    private final Database db;
    private final ControlPlane cp;
    private final Map<String, HostSandbox> sandboxes = new ConcurrentHashMap<>();
    private final Map<String, String> users = new ConcurrentHashMap<>();
    /** user id/name of every target released, in order. */
    public final List<String> released = new CopyOnWriteArrayList<>();

    public ExecServer(Path dir) {
        this(dir, ExecLimits.defaults(Duration.ofHours(1)), true);
    }

    public ExecServer(Path dir, ExecLimits limits, boolean enabled) {
        this.dir = dir;
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        this.db = Database.sqlite(dir.resolve("state.db"));
        this.cp = new ControlPlane(ControlPlaneConfig.defaults("127.0.0.1", 0, "busybox"), db,
                new dev.mags.controlplane.placement.SingleAgent(new FakeAgent()),
                dev.mags.controlplane.workspace.WorkspaceCatalog.NONE, new dev.mags.controlplane.files.MapFileBlobs(),
                Clock.systemUTC(), limits);
        if (enabled) {
            cp.enableExec(this::resolve);
        }
        cp.start();
    }

    public ControlPlane controlPlane() {
        return cp;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + cp.port());
    }

    public int port() {
        return cp.port();
    }

    /** A token of {@code user}'s (made on first use). */
    public String token(String user) {
        return users.computeIfAbsent(user, u -> cp.tokens().createToken(u, false));
    }

    /** {@code user}'s sandbox called {@code name}, made on first use. */
    public HostSandbox sandbox(String user, String name) {
        String userId = cp.tokens().authenticate("Bearer " + token(user)).userId();
        return sandboxes.computeIfAbsent(userId + "/" + name, k -> new HostSandbox(name, dir.resolve("sandbox-"
                + user + "-" + name)));
    }

    private Optional<ExecTarget> resolve(String userId, String name) {
        HostSandbox sandbox = sandboxes.get(userId + "/" + name);
        return sandbox == null ? Optional.empty()
                : Optional.of(new ExecTarget(name, sandbox, () -> released.add(userId + "/" + name)));
    }

    @Override
    public void close() {
        cp.close();
        sandboxes.values().forEach(HostSandbox::close);
        db.close();
    }
}
