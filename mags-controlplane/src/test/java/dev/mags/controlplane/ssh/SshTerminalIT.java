package dev.mags.controlplane.ssh;

import dev.mags.testkit.Tmux;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An interactive login through the gateway, typed in a terminal (tmux) running OpenSSH's {@code ssh}. */
class SshTerminalIT {
    @TempDir
    Path dir;
    GatewayFixture gw;
    Tmux tmux;

    @BeforeEach
    void start() {
        gw = new GatewayFixture(dir);
        gw.sandbox("alice", "dev");
        tmux = new Tmux(dir);
    }

    @AfterEach
    void stop() {
        tmux.close();
        gw.close();
    }

    @Test
    void aLoginShellFollowsTheWindowAndReturnsItsExitStatus() {
        Path status = dir.resolve("status");
        String ssh = "ssh -p " + gw.gateway.port() + " " + String.join(" ", gw.options(gw.key("alice")))
                + " dev@127.0.0.1";
        tmux.start(ssh + "; echo \"exit=$?\" > " + status, 100, 30);

        tmux.await("a root prompt", s -> s.stripTrailing().endsWith("#"));
        tmux.type("echo \"$TERM $COLUMNS $((6 * 7))\"");
        tmux.await("the shell's answer", s -> s.contains(" 100 42"));
        tmux.type("stty size");
        tmux.await("the window's size", s -> s.contains("\n30 100\n"));

        tmux.resize(120, 40);
        tmux.type("stty size");
        tmux.await("the new size", s -> s.contains("\n40 120\n"));

        tmux.type("exit 5");
        assertThat(tmux.awaitFile(status)).isEqualTo("exit=5\n");
        assertThat(gw.sandbox("alice", "dev").specs.get(0).argv()).startsWith("sh", "-c");
        assertThat(gw.sandbox("alice", "dev").specs.get(0).argv().get(2)).contains("exec bash -l");
        assertThat(gw.released).containsExactly("alice/dev");
    }
}
