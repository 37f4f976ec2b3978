package dev.mags.agent;

import dev.mags.agent.image.ImageBuilder;
import dev.mags.agent.image.ImageStore;
import dev.mags.agent.rootfs.DirectoryTree;
import dev.mags.agent.rootfs.MountEntry;
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

/**
 * A throwaway host setup for integration tests: a temp dir under /tmp with the busybox image, a data
 * dir whose runtime root is inside it, and a cgroup parent of its own, so tests never touch a real
 * server's state. {@link #close()} reaps whatever a failed test left and removes it all.
 */
final class ItHost implements AutoCloseable {
    final Path base;
    final AgentConfig config;
    private final List<LocalAgent> agents = new ArrayList<>();

    private ItHost(Path base, AgentConfig config) {
        this.base = base;
        this.config = config;
    }

    static ItHost create() throws IOException {
        String tag = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Path base = Files.createTempDirectory(Path.of("/tmp"), "mags-it-");
        // Temp dirs are 0700; sandbox root (an unprivileged host uid) must pass through to its sandbox dir.
        Files.setAttribute(base, "unix:mode", 0711);
        AgentConfig config = AgentConfig.defaults(base.resolve("data"), base.resolve("images"))
                .withCgroupParent("mags-it-" + tag)
                .withStopGrace(Duration.ofSeconds(1));
        ImageBuilder.standard(new ImageStore(config.imagesDir())).build("busybox", new PrintStream(System.out, true));
        return new ItHost(base, config);
    }

    /** An agent that {@link #close()} closes. */
    synchronized LocalAgent agent() {
        LocalAgent agent = new LocalAgent(config);
        agents.add(agent);
        return agent;
    }

    static String uniqueId(String name) {
        return "it-" + name + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    @Override
    public void close() throws IOException {
        agents.forEach(LocalAgent::close);
        try (LocalAgent reaper = new LocalAgent(config)) {
            var report = reaper.reconcile(Set.of());
            if (!report.reapedSandboxIds().isEmpty()) {
                System.out.println("ItHost: reaped leftovers of " + report.reapedSandboxIds() + " " + report.problems());
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
