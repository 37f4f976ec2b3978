package dev.mags.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mags.agent.process.CommandRunner;
import dev.mags.agent.process.ProcessLauncher;
import dev.mags.agent.rootfs.DirectoryTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NetworkReaperIT {

    @Test
    void reapKillsTheOrphanedSlirpOfADeadSandboxAndSparesTheKeptOne() throws Exception {
        Path sandboxes = Files.createTempDirectory(Path.of("/tmp"), "mags-net-reap-").resolve("sandboxes");
        NetworkReaper reaper = new NetworkReaper();
        try (NetnsProcess dead = NetnsProcess.sandbox(); NetnsProcess kept = NetnsProcess.sandbox()) {
            // An agent that crashed: its slirp4netns lives on, re-parented, with nobody to close it.
            Path orphanSocket = Files.createDirectories(sandboxes.resolve("s-dead/net")).resolve("slirp.sock");
            List<String> argv = new Slirp4netns(ProcessLauncher.system()).argv(dead.pid(), orphanSocket);
            Cmd.ok("sh", "-c", "\"$@\" >/dev/null 2>&1 </dev/null &", "sh", argv.get(0), argv.get(1), argv.get(2),
                    argv.get(3), argv.get(4), argv.get(5), argv.get(6), argv.get(7), argv.get(8), argv.get(9));
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(orphanSocket) && reaper.find(sandboxes).size() == 1);
            long orphan = reaper.find(sandboxes).get(0).pid();
            dead.close(); // the sandbox is gone; its slirp4netns is not (its tap device holds the namespace)
            assertThat(ProcessHandle.of(orphan).filter(ProcessHandle::isAlive)).isPresent();

            SandboxNetwork network = new SandboxNetwork(new CommandRunner(ProcessLauncher.system()), EgressPolicy.defaults());
            try (AttachedNetwork live = network.attach("s-kept", kept.pid(), sandboxes.resolve("s-kept/net"))) {
                assertThat(reaper.leaks(sandboxes)).hasSize(2).anyMatch(l -> l.contains("of sandbox s-dead"));

                NetworkReaper.Reaped report = reaper.reap(sandboxes, Set.of("s-kept"));

                assertThat(report.sandboxIds()).containsExactly("s-dead");
                assertThat(report.problems()).isEmpty();
                // Killed at once. Its new parent collects the zombie: pid 1, or this JVM when an agent made it a child
                // subreaper (OrphanReaper), which reaps only what ran in sandboxes; dead is what matters here.
                await().atMost(Duration.ofSeconds(5)).until(() -> deadOrZombie(orphan));
                assertThat(orphanSocket).doesNotExist();
                assertThat(ProcessHandle.of(live.slirpPid()).filter(ProcessHandle::isAlive)).isPresent();
                assertThat(reaper.find(sandboxes)).extracting(NetworkReaper.SlirpInstance::sandboxId).containsExactly("s-kept");
            }
            assertThat(reaper.leaks(sandboxes)).isEmpty();
        } finally {
            reaper.reap(sandboxes, Set.of());
            DirectoryTree.delete(sandboxes.getParent());
        }
    }

    /** Whether the process has ended: gone, or a zombie its parent has not collected yet. */
    private static boolean deadOrZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException gone) {
            return true;
        }
    }
}
