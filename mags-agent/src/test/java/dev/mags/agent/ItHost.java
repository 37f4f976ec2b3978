package dev.mags.agent;

import dev.mags.agent.image.ImageBuilder;
import dev.mags.agent.image.ImageStore;
import dev.mags.agent.rootfs.DirectoryTree;
import dev.mags.agent.rootfs.MountEntry;
import dev.mags.agent.sandbox.Container;
import dev.mags.agent.sandbox.SandboxShape;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.SandboxLimits;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;

/**
 * A throwaway host setup for integration tests: a temp dir under /tmp with the busybox image, a data
 * dir whose runtime root is inside it, and a cgroup parent of its own, so tests never touch a real
 * server's state. {@link #close()} reaps whatever a failed test left and removes it all.
 */
public final class ItHost implements AutoCloseable {
    public final Path base;
    public final AgentConfig config;
    private final List<LocalAgent> agents = new ArrayList<>();

    private ItHost(Path base, AgentConfig config) {
        this.base = base;
        this.config = config;
    }

    public static ItHost create() throws IOException {
        return create(UnaryOperator.identity());
    }

    /** As {@link #create()}, with the agent's configuration changed by {@code adjust}. */
    public static ItHost create(UnaryOperator<AgentConfig> adjust) throws IOException {
        String tag = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Path base = Files.createTempDirectory(Path.of("/tmp"), "mags-it-");
        // Temp dirs are 0700; sandbox root (an unprivileged host uid) must pass through to its sandbox dir.
        Files.setAttribute(base, "unix:mode", 0711);
        AgentConfig config = AgentConfig.defaults(base.resolve("data"), base.resolve("images"))
                .withCgroupParent("mags-it-" + tag)
                .withStopGrace(Duration.ofSeconds(1))
                .withWarmPool(WarmPoolConfig.disabled());
        config = adjust.apply(config);
        ImageBuilder.standard(new ImageStore(config.imagesDir())).build("busybox", new PrintStream(System.out, true));
        return new ItHost(base, config);
    }

    /** An agent without a warm pool that {@link #close()} closes. */
    public LocalAgent agent() {
        return agent(WarmPoolConfig.disabled());
    }

    /** An agent with {@code pool} that {@link #close()} closes. */
    public synchronized LocalAgent agent(WarmPoolConfig pool) {
        LocalAgent agent = new LocalAgent(config.withWarmPool(pool));
        agents.add(agent);
        return agent;
    }

    /** An agent without a warm pool, with workspace storage, that {@link #close()} closes. */
    public synchronized LocalAgent agent(dev.mags.agent.workspace.WorkspaceBackup backup) {
        LocalAgent agent = new LocalAgent(config.withWarmPool(WarmPoolConfig.disabled()), backup);
        agents.add(agent);
        return agent;
    }

    /** Waits until {@code agent}'s warm pool holds {@code count} ready sandboxes of the default shape. */
    static void awaitPool(LocalAgent agent, int count) {
        SandboxShape shape = new SandboxShape("busybox", SandboxLimits.DEFAULT, NetworkMode.NONE);
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                .until(() -> agent.warmPool().ready(shape) >= count);
    }

    /**
     * What sandboxes left on the host, apart from {@code agent}'s warm pool members (which are meant
     * to be there while it runs). Waits for the pool to be full first, so no half-built one is counted.
     */
    List<String> leaksBesidesPool(LocalAgent agent, int poolSize) {
        awaitPool(agent, poolSize);
        List<String> pooled = agent.warmPool().pooled().stream().map(Container::id).toList();
        return HostLeaks.scan(config).stream().filter(l -> pooled.stream().noneMatch(l::contains)).toList();
    }

    public static String uniqueId(String name) {
        return "it-" + name + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    @Override
    public void close() throws IOException {
        agents.forEach(LocalAgent::close);
        try (LocalAgent reaper = new LocalAgent(config.withWarmPool(WarmPoolConfig.disabled()))) {
            var report = reaper.reconcile(Set.of());
            if (!report.reaped().isEmpty()) {
                System.out.println("ItHost: reaped leftovers of " + report.reaped() + " " + report.problems());
            }
        }
        for (Path hierarchy : HostAccess.system().cgroups().hierarchies()) {
            Files.deleteIfExists(hierarchy.resolve(config.cgroupParent()));
        }
        for (MountEntry m : HostAccess.system().mount().mountsUnder(base)) {
            HostAccess.system().mount().unmount(m.mountPoint());
        }
        DirectoryTree.delete(base);
    }
}
