package dev.mags.controlplane.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.controlplane.FakeAgent;
import dev.mags.controlplane.placement.AgentDirectory;
import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxSpec;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImageCheckTest {
    @Test
    void aServerWithTheImageCanStartJobs() {
        assertThat(new ImageCheck(directory(false, new FakeAgent("busybox"))).problem("busybox")).isEmpty();
    }

    @Test
    void aServerWithoutTheImageSaysHowToBuildIt() {
        ImageCheck.Problem p = new ImageCheck(directory(false, new FakeAgent())).problem("busybox").orElseThrow();
        assertThat(p.code()).isEqualTo("image_missing");
        assertThat(p.message()).contains("not built on this server").contains("bin/magsd image build busybox");
    }

    @Test
    void aClusterWithNoAgentSaysToStartOneRatherThanToBuildTheImage() {
        ImageCheck.Problem p = new ImageCheck(directory(true)).problem("busybox").orElseThrow();
        assertThat(p.code()).isEqualTo("no_agent");
        assertThat(p.message()).contains("no agent is connected").contains("magsd agent --control-plane")
                .doesNotContain("image build");
    }

    @Test
    void aClusterWhoseAgentsLackTheImageSaysToBuildItOnTheAgentHosts() {
        ImageCheck.Problem p = new ImageCheck(directory(true, new FakeAgent("debian"))).problem("busybox").orElseThrow();
        assertThat(p.code()).isEqualTo("image_missing");
        assertThat(p.message()).contains("on any agent that is up").contains("bin/magsd image build busybox");
    }

    private static AgentDirectory directory(boolean shared, Agent... agents) {
        return new AgentDirectory() {
            @Override
            public Agent place(SandboxSpec spec) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<Agent> holding(SandboxId id) {
                return Optional.empty();
            }

            @Override
            public Collection<Agent> agents() {
                return List.of(agents);
            }

            @Override
            public boolean shared() {
                return shared;
            }

            @Override
            public void close() {}
        };
    }
}
