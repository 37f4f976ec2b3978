package dev.mags.controlplane.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the gateway refuses, tried with OpenSSH's {@code ssh} as an attacker would. */
class SshRefusalsIT {
    @TempDir
    Path dir;
    GatewayFixture gw;
    Path alice;
    Path bob;

    @BeforeEach
    void start() {
        gw = new GatewayFixture(dir);
        alice = gw.key("alice");
        bob = gw.key("bob");
        gw.sandbox("alice", "dev");
        gw.sandbox("bob", "secret");
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    @Test
    void aKeyNobodyRegisteredIsRefused() {
        GatewayFixture.Run run = gw.ssh(gw.strangerKey(), "dev", "echo in");

        assertThat(run.exit()).isEqualTo(255);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("Permission denied (publickey)");
        assertThat(gw.resolved).isEmpty();
    }

    @Test
    void anotherUsersSandboxIsNotFoundAndReadsLikeANameThatDoesNotExist() {
        GatewayFixture.Run theirs = gw.ssh(alice, "secret", "echo in");
        GatewayFixture.Run nobodys = gw.ssh(alice, "nosuch", "echo in");

        assertThat(theirs.exit()).isEqualTo(1);
        assertThat(theirs.out()).isEmpty();
        assertThat(theirs.err()).startsWith("mags: no sandbox named 'secret' among your jobs and workspaces");
        assertThat(theirs.err().replace("secret", "X")).isEqualTo(nobodys.err().replace("nosuch", "X"));
        assertThat(gw.sandbox("bob", "secret").specs).isEmpty();
        assertThat(gw.resolved).containsExactly("alice/secret", "alice/nosuch");
    }

    @Test
    void anotherUsersSandboxIsNotFoundForAShellOrSftpEither() {
        GatewayFixture.Run shell = gw.ssh(alice, "secret", List.of("-tt"), null, "exit\n");
        GatewayFixture.Run sftp = gw.run(sftp(alice, "secret"), "ls\n");

        assertThat(shell.exit()).isEqualTo(1);
        assertThat(shell.out() + shell.err()).contains("no sandbox named 'secret'");
        assertThat(sftp.exit()).isNotZero();
        assertThat(sftp.err()).contains("no sandbox named 'secret'");
        assertThat(gw.sandbox("bob", "secret").specs).isEmpty();
    }

    @Test
    void bobReachesHisOwnSandboxWithHisKey() {
        GatewayFixture.Run run = gw.ssh(bob, "secret", "echo bob-in");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("bob-in\n");
    }

    @Test
    void passwordAndKeyboardInteractiveAreNotOffered() {
        GatewayFixture.Run run = gw.ssh(gw.strangerKey(), "dev", List.of("-o", "BatchMode=no", "-o",
                "PreferredAuthentications=password,keyboard-interactive", "-o", "NumberOfPasswordPrompts=1"),
                "echo in", "secret\n");

        assertThat(run.exit()).isEqualTo(255);
        assertThat(run.err()).contains("Permission denied (publickey)");
    }

    @Test
    void stdioForwardingIsRefused() {
        GatewayFixture.Run run = gw.ssh(alice, "dev", List.of("-W", "127.0.0.1:" + gw.gateway.port()), null, "");

        assertThat(run.exit()).isEqualTo(255);
        assertThat(run.err()).contains("stdio forwarding failed");
    }

    @Test
    void remoteForwardingIsRefused() {
        GatewayFixture.Run run = gw.ssh(alice, "dev", List.of("-N", "-R", "0:127.0.0.1:9", "-o",
                "ExitOnForwardFailure=yes"), null, "");

        assertThat(run.exit()).isEqualTo(255);
        assertThat(run.err()).contains("remote port forwarding failed");
    }

    private List<String> sftp(Path key, String login) {
        List<String> cmd = new java.util.ArrayList<>(List.of("sftp", "-P", Integer.toString(gw.gateway.port())));
        cmd.addAll(gw.options(key));
        cmd.addAll(List.of("-b", "-", login + "@127.0.0.1"));
        return cmd;
    }
}
