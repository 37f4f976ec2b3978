package dev.mags.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mags.controlplane.ExecServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import dev.mags.testkit.Tmux;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mags exec} on a real terminal (tmux), as a person types at it: the CLI runs as a process of its own
 * against a real control plane whose sandbox runs host processes.
 */
class ExecTerminalIT {
    @TempDir
    Path dir;
    ExecServer server;
    Tmux tmux;
    Path mags;

    @BeforeEach
    void start() throws IOException {
        server = new ExecServer(dir.resolve("server"));
        server.sandbox("alice", "dev");
        tmux = new Tmux(dir);
        mags = dir.resolve("mags");
        String java = ProcessHandle.current().info().command().orElse("java");
        Files.writeString(mags, "#!/bin/sh\nexport MAGS_API_URL='" + server.url() + "' MAGS_API_TOKEN='"
                + server.token("alice") + "' HOME='" + dir + "'\nexec '" + java + "' -cp '"
                + System.getProperty("java.class.path") + "' dev.mags.cli.MagsMain \"$@\"\n");
        Files.setPosixFilePermissions(mags, PosixFilePermissions.fromString("rwx------"));
    }

    @AfterEach
    void stop() {
        tmux.close();
        server.close();
    }

    @Test
    void aShellFollowsTheWindowTakesCtrlCAndReturnsItsStatus() throws Exception {
        Path status = dir.resolve("status");
        tmux.start("S=$(stty -g); " + mags + " exec --env 'PS1=box$ ' dev sh; echo \"exit=$? restored=$([ \"$(stty"
                + " -g)\" = \"$S\" ] && echo yes || echo no)\" > " + status, 80, 24);

        tmux.await("the remote shell's prompt", s -> s.contains("box$"));
        tmux.type("stty size");
        tmux.await("the window's size", s -> s.contains("\n24 80\n"));

        tmux.resize(100, 30);
        // the CLI forwards the window's change as it happens: the next command sees it once it has arrived
        await().atMost(Duration.ofSeconds(60)).until(() -> new dev.mags.protocol.v2.PtySize(100, 30)
                .equals(server.sandbox("alice", "dev").execs().getFirst().resizedTo()));
        tmux.type("stty size");
        tmux.await("the new size", s -> s.contains("\n30 100\n"));

        tmux.type("sleep 4711");
        await().atMost(Duration.ofSeconds(60)).until(() -> sleeping().isPresent());
        ProcessHandle sleep = sleeping().orElseThrow();
        tmux.keys("C-c");
        sleep.onExit().get(60, TimeUnit.SECONDS);
        // the remote terminal drops what was typed ahead when Ctrl-C interrupts: wait for the prompt first
        tmux.await("the prompt after Ctrl-C", s -> s.contains("^C") && s.stripTrailing().endsWith("box$"));
        tmux.type("echo after-$((6 * 7))");
        tmux.await("the shell back after Ctrl-C", s -> s.contains("\nafter-42\n"));

        tmux.type("exit 7");
        assertThat(tmux.awaitFile(status)).isEqualTo("exit=7 restored=yes\n");
        assertThat(server.sandbox("alice", "dev").specs.getFirst().pty()).isNotNull();
        assertThat(server.sandbox("alice", "dev").running()).isZero();
    }

    /** The remote shell's {@code sleep 4711}: sandboxes of these tests run on the host. */
    private static Optional<ProcessHandle> sleeping() {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").endsWith("sleep 4711"))
                .findFirst();
    }

    @Test
    void pipedIntoWithoutATerminalTheOutputStaysApart() {
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Path status = dir.resolve("status");
        tmux.start("printf 'a\\nb\\n' | " + mags + " exec dev 'cat; echo oops >&2; exit 4' > " + out + " 2> " + err
                + "; echo \"exit=$?\" > " + status, 80, 24);
        assertThat(tmux.awaitFile(status)).isEqualTo("exit=4\n");
        assertThat(dir.resolve("out")).hasContent("a\nb");
        assertThat(dir.resolve("err")).hasContent("oops");
        assertThat(server.sandbox("alice", "dev").specs.getFirst().pty()).isNull();
    }
}
