package dev.mags.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.agent.process.CommandFailedException;
import dev.mags.agent.process.CommandRunner;
import dev.mags.agent.process.FakeProcess;
import dev.mags.agent.process.FakeProcessLauncher;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class IpTest {
    private final FakeProcessLauncher launcher = new FakeProcessLauncher();

    @Test
    void entersOnlyTheNetworkNamespaceAndRunsABatch() {
        new Ip(new CommandRunner(launcher)).batch(4242, Path.of("/data/sandboxes/s1/net/routes"));

        assertThat(launcher.last()).containsExactly(
                "nsenter", "--target", "4242", "--net", "--", "ip", "-batch", "/data/sandboxes/s1/net/routes");
    }

    @Test
    void failuresCarryIpsStderr() {
        launcher.respond(argv -> FakeProcess.exits(1, "", "RTNETLINK answers: File exists\nCommand failed /r:1\n"));

        assertThatThrownBy(() -> new Ip(new CommandRunner(launcher)).batch(1, Path.of("/r")))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("ip -batch /r")
                .hasMessageContaining("File exists");
    }
}
