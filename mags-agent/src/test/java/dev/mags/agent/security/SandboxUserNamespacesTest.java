package dev.mags.agent.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.agent.process.CommandFailedException;
import dev.mags.agent.process.ProcessLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's side of the holder's protocol, against real shell processes that play the holder (the
 * busybox script itself runs in {@code SandboxUserNamespacesIT}): a fake /proc receives the id maps.
 */
class SandboxUserNamespacesTest {
    private static final InotifyLimits LIMITS = new InotifyLimits(128, 65_536);
    @TempDir
    Path proc;
    private final AtomicReference<Process> holder = new AtomicReference<>();

    /** Makes {@code pid}'s user namespace in the fake /proc {@code user:[id]}. */
    private Path userNamespace(long pid, long id) throws IOException {
        Path ns = Files.createDirectories(proc.resolve(pid + "/ns"));
        Files.deleteIfExists(ns.resolve("user"));
        return Files.createSymbolicLink(ns.resolve("user"), Path.of("user:[" + id + "]"));
    }

    /** Starts {@code script} in place of busybox, with the fake /proc entries of its pid and of pid 4242. */
    private SandboxUserNamespaces playedBy(String script, Duration timeout) throws IOException {
        userNamespace(4242, 4026532001L);
        ProcessLauncher launcher = argv -> {
            Process p = new ProcessBuilder("sh", "-c", script).start();
            Path dir = Files.createDirectories(proc.resolve(Long.toString(p.pid())));
            Files.writeString(dir.resolve("uid_map"), "");
            Files.writeString(dir.resolve("gid_map"), "");
            holder.set(p);
            return p;
        };
        return new SandboxUserNamespaces(launcher, Path.of("/bin/busybox"), IdMapping.DEFAULT, LIMITS, proc, timeout);
    }

    @Test
    void busyboxMakesTheOuterNamespaceThenTheSandboxsBelowIt() {
        SandboxUserNamespaces userns = new SandboxUserNamespaces(argv -> null, Path.of("/bin/busybox"), IdMapping.DEFAULT,
                LIMITS);

        assertThat(userns.argv()).containsExactly("/bin/busybox", "unshare", "-U", "/bin/busybox", "sh", "-c",
                SandboxUserNamespaces.UNMAPPED, "mags-userns", "/bin/busybox", "sh", "-c", SandboxUserNamespaces.MAPPED,
                "mags-userns", "/bin/busybox", "128", "65536", "100000", "65536");
        assertThat(SandboxUserNamespaces.MAPPED)
                .contains("sh -c 'echo $$ && read -r eof'", "> /proc/sys/user/max_inotify_instances", "> /proc/sys/user/max_inotify_watches",
                        "\"$1\" unshare -U", "echo \"0 $4 $5\" > \"/proc/$pid/uid_map\"");
        // host root, to create the inner namespace; the sandboxes' ids unchanged, so the inner maps them as before
        assertThat(userns.outerMap()).isEqualTo("0 0 1\n100000 100000 65536\n");
    }

    @Test
    void theOuterNamespaceIsMappedBeforeTheHolderGoesOnAndTheSandboxsNamespaceIsJoinedByPid() throws Exception {
        // answers only if its maps were there when it was told to go on
        SandboxUserNamespaces userns = playedBy("echo; read -r go; [ \"$go\" = go ] && [ -s " + proc + "/$$/uid_map ]"
                + " && [ -s " + proc + "/$$/gid_map ] || exit 3; echo 4242; exec cat > /dev/null", Duration.ofSeconds(10));

        try (UserNamespaceHolder held = userns.create()) {
            Path outer = proc.resolve(Long.toString(holder.get().pid()));
            assertThat(held.path()).isEqualTo(proc.resolve("4242/ns/user"));
            assertThat(Files.readString(outer.resolve("uid_map"))).isEqualTo("0 0 1\n100000 100000 65536\n");
            assertThat(Files.readString(outer.resolve("gid_map"))).isEqualTo("0 0 1\n100000 100000 65536\n");
            assertThat(holder.get().isAlive()).as("it holds the namespace until closed").isTrue();
            userNamespace(777, 4026532001L);
            assertThat(held.isJoinedBy(777)).as("a container in it").isTrue();
            userNamespace(777, 4026532002L);
            assertThat(held.isJoinedBy(777)).as("a container elsewhere (the pid was another process's)").isFalse();
            assertThat(held.isJoinedBy(778)).as("no such process").isFalse();
        }
        assertThat(holder.get().waitFor(10, TimeUnit.SECONDS)).as("closing the pipe ends it").isTrue();
    }

    @Test
    void aNamespaceMadeAsideIsAwaitedAndItsHolderClosedOnce() throws Exception {
        SandboxUserNamespaces userns = playedBy("echo; read -r go; echo 4242; exec cat > /dev/null", Duration.ofSeconds(10));

        try (SandboxUserNamespaces.Pending pending = userns.createAsync("s1")) {
            assertThat(pending.await().path()).isEqualTo(proc.resolve("4242/ns/user"));
            pending.close();
            assertThat(holder.get().waitFor(10, TimeUnit.SECONDS)).isTrue();
        } // and again: harmless
    }

    @Test
    void aNamespaceThatCouldNotBeMadeAsideIsReportedWhenAwaited() throws Exception {
        SandboxUserNamespaces userns = playedBy("exit 1", Duration.ofSeconds(10));

        try (SandboxUserNamespaces.Pending pending = userns.createAsync("s1")) {
            assertThatThrownBy(pending::await)
                    .isInstanceOf(CommandFailedException.class)
                    .hasMessageContaining("it did not make the outer user namespace");
        }
    }

    @Test
    void aFailingHolderIsReportedWithWhatItSaid() throws Exception {
        SandboxUserNamespaces userns = playedBy("echo; read -r go; echo 'sh: can'\\''t create /proc/sys/user/max_inotify_instances:"
                + " Permission denied' >&2; exit 1", Duration.ofSeconds(10));

        assertThatThrownBy(userns::create)
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("it did not make the sandbox's user namespace")
                .hasMessageContaining("max_inotify_instances: Permission denied");
        assertThat(holder.get().isAlive()).isFalse();
    }

    @Test
    void aHolderThatHangsIsKilledWithItsChildren() throws Exception {
        SandboxUserNamespaces userns = playedBy("sleep 60 & echo; read -r go; wait", Duration.ofMillis(300));

        assertThatThrownBy(userns::create)
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("no answer within 300 ms, killed");
        assertThat(holder.get().isAlive()).isFalse();
        assertThat(holder.get().descendants()).isEmpty();
    }

    @Test
    void aHolderThatCannotStartIsReported() {
        SandboxUserNamespaces userns = new SandboxUserNamespaces(argv -> {
            throw new IOException("Cannot run program \"/bin/busybox\": error=2, No such file or directory");
        }, Path.of("/bin/busybox"), IdMapping.DEFAULT, LIMITS, proc, Duration.ofSeconds(1));

        assertThatThrownBy(userns::create)
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("could not start it: Cannot run program");
    }

    @Test
    void theHoldersArgumentsAreItsLimitsAndTheMapping() {
        SandboxUserNamespaces userns = new SandboxUserNamespaces(argv -> null, Path.of("/opt/bb"), new IdMapping(200_000, 1000),
                new InotifyLimits(16, 4096));

        List<String> argv = userns.argv();
        assertThat(argv.subList(argv.size() - 5, argv.size())).containsExactly("/opt/bb", "16", "4096", "200000", "1000");
        assertThat(userns.outerMap()).isEqualTo("0 0 1\n200000 200000 1000\n");
    }
}
