package dev.mags.agent.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.agent.process.ProcessLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real shell processes play busybox, each naming its own pid as the namespace's, with a fake /proc. */
class ReadyUserNamespacesTest {
    @TempDir
    Path proc;
    private final List<Process> holders = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> script = new AtomicReference<>("echo; read -r go; echo $$; exec cat > /dev/null");

    private ReadyUserNamespaces ready(int size) {
        ProcessLauncher launcher = argv -> {
            Process p = new ProcessBuilder("sh", "-c", script.get()).start();
            Path dir = Files.createDirectories(proc.resolve(Long.toString(p.pid())));
            Files.writeString(dir.resolve("uid_map"), "");
            Files.writeString(dir.resolve("gid_map"), "");
            Files.createSymbolicLink(Files.createDirectories(dir.resolve("ns")).resolve("user"),
                    Path.of("user:[" + p.pid() + "]"));
            holders.add(p);
            return p;
        };
        return new ReadyUserNamespaces(new SandboxUserNamespaces(launcher, Path.of("/bin/busybox"), IdMapping.DEFAULT,
                InotifyLimits.DEFAULT, proc, Duration.ofSeconds(10)), size);
    }

    private Path pathOf(Process holder) {
        return proc.resolve(holder.pid() + "/ns/user");
    }

    @Test
    void aBuildTakesTheNamespaceMadeAheadAndTheNextIsMadeWhenItIsDone() throws Exception {
        try (ReadyUserNamespaces ready = ready(1)) {
            ready.refill();
            assertThat(ready.ahead()).isEqualTo(1);
            try (SandboxUserNamespaces.Pending taken = ready.take()) {
                assertThat(taken.await().path()).isEqualTo(pathOf(holders.get(0)));
                assertThat(ready.ahead()).isZero();
            }
            ready.refill();
            ready.refill();
            ready.awaitAhead();
            assertThat(holders).as("one made ahead again, not two").hasSize(2);
        }
        for (Process holder : holders) {
            assertThat(holder.waitFor(10, TimeUnit.SECONDS)).as("closing ends what was made ahead").isTrue();
        }
    }

    @Test
    void withNoneReadyABuildMakesItsOwn() {
        try (ReadyUserNamespaces ready = ready(1); SandboxUserNamespaces.Pending taken = ready.take()) {
            assertThat(taken.await().path()).isEqualTo(pathOf(holders.get(0)));
        }
    }

    @Test
    void oneMadeAheadWhoseHolderDiedIsPassedOver() throws Exception {
        try (ReadyUserNamespaces ready = ready(1)) {
            ready.refill();
            ready.awaitAhead();
            holders.get(0).destroyForcibly().waitFor();

            try (SandboxUserNamespaces.Pending taken = ready.take()) {
                assertThat(taken.await().path()).isEqualTo(pathOf(holders.get(1)));
            }
        }
    }

    @Test
    void oneThatFailedAheadIsPassedOver() {
        script.set("exit 1");
        try (ReadyUserNamespaces ready = ready(1)) {
            ready.refill();
            ready.awaitAhead();
            script.set("echo; read -r go; echo $$; exec cat > /dev/null");

            try (SandboxUserNamespaces.Pending taken = ready.take()) {
                assertThat(taken.await().path()).isEqualTo(pathOf(holders.get(1)));
            }
        }
    }

    @Test
    void nothingIsMadeAheadOnceClosed() {
        ReadyUserNamespaces ready = ready(1);
        ready.close();
        ready.refill();

        assertThat(ready.ahead()).isZero();
        assertThat(holders).isEmpty();
    }
}
