package dev.mags.agent.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.agent.process.CommandRunner;
import dev.mags.agent.process.ProcessLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The holder's script with the host's busybox, as root: the two namespaces, their maps and the outer one's limits. */
class SandboxUserNamespacesIT {
    private final CommandRunner runner = new CommandRunner(ProcessLauncher.system());

    private String run(String... argv) {
        return runner.run(List.of(argv), Duration.ofSeconds(10)).stdout().strip();
    }

    @Test
    void theSandboxsNamespaceLiesBelowOneHoldingItsLimits() throws Exception {
        SandboxUserNamespaces userns = new SandboxUserNamespaces(ProcessLauncher.system(), Path.of("/bin/busybox"),
                IdMapping.DEFAULT, new InotifyLimits(77, 7777));
        long outer;
        Path inner;
        try (UserNamespaceHolder held = userns.create()) {
            outer = held.outerPid();
            inner = held.path().getParent().getParent();
            String outerNs = "/proc/" + outer + "/ns/user";

            assertThat(Files.readSymbolicLink(held.path())).isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/user")))
                    .isNotEqualTo(Files.readSymbolicLink(Path.of(outerNs)));
            assertThat(Files.readString(inner.resolve("uid_map")).strip().split("\\s+")).containsExactly("0", "100000", "65536");
            assertThat(Files.readString(inner.resolve("gid_map")).strip().split("\\s+")).containsExactly("0", "100000", "65536");
            // what the kernel checks every inotify instance and watch of the sandbox against, all its uids together
            assertThat(run("nsenter", "--user=" + outerNs, "--", "cat", "/proc/sys/user/max_inotify_instances",
                    "/proc/sys/user/max_inotify_watches")).isEqualTo("77\n7777");
            // the host's own are untouched by it
            assertThat(run("cat", "/proc/sys/user/max_inotify_instances")).isNotEqualTo("77");
        }
        ProcessHandle.of(outer).ifPresent(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).join());
        assertThat(ProcessHandle.of(outer).filter(ProcessHandle::isAlive)).as("the holder ends when closed").isEmpty();
        assertThat(Files.exists(inner)).as("and so does the process in the sandbox's namespace").isFalse();
    }
}
