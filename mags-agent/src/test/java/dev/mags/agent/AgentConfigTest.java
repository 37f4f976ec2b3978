package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.agent.network.EgressPolicy;
import dev.mags.agent.security.IdMapping;
import dev.mags.agent.security.InotifyLimits;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.SandboxLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentConfigTest {

    @Test
    void defaultsKeepRuntimeStateInTheDataDir() {
        AgentConfig config = AgentConfig.defaults(Path.of("/var/lib/mags"), Path.of("/var/lib/mags/images"));

        assertThat(config.runtimeBinary()).isEqualTo("runc");
        assertThat(config.runtimeRoot()).isEqualTo(Path.of("/var/lib/mags/runtime"));
        assertThat(config.sandboxesDir()).isEqualTo(Path.of("/var/lib/mags/sandboxes"));
        assertThat(config.cgroupParent()).isEqualTo("mags");
        assertThat(config.hostname()).isEqualTo("mags-vm");
        assertThat(config.stopGrace()).isPositive();
        assertThat(config.egress()).isEqualTo(EgressPolicy.defaults());
        assertThat(config.idMapping()).isEqualTo(new IdMapping(100_000, 65_536));
        assertThat(config.initBinary()).isEqualTo(Path.of("/bin/busybox"));
        assertThat(config.openFiles()).isEqualTo(1024);
        assertThat(config.inotify()).isEqualTo(new InotifyLimits(128, 65_536));
        assertThat(config.warmPool().active()).singleElement().satisfies(e -> {
            assertThat(e.image()).isEqualTo("debian");
            assertThat(e.limits()).isEqualTo(SandboxLimits.DEFAULT);
            assertThat(e.network()).isEqualTo(NetworkMode.NONE);
            assertThat(e.size()).isEqualTo(2);
        });
    }

    @Test
    void aWarmPoolSizeOfZeroKeepsNothingAndBadEntriesAreNamed() {
        assertThat(WarmPoolConfig.of("busybox", 0).active()).isEmpty();
        WarmPoolConfig.Entry twice = new WarmPoolConfig.Entry("busybox", SandboxLimits.DEFAULT, NetworkMode.NONE, 1);

        assertThatThrownBy(() -> new WarmPoolConfig(List.of(twice, twice,
                new WarmPoolConfig.Entry("debian", SandboxLimits.DEFAULT, NetworkMode.NONE, -1)), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listed twice")
                .hasMessageContaining("must be zero or more, not -1")
                .hasMessageContaining("fill concurrency");
    }

    @Test
    void pathsBecomeAbsolute() {
        AgentConfig config = AgentConfig.defaults(Path.of("data"), Path.of("images"));

        assertThat(config.dataDir()).isAbsolute();
        assertThat(config.imagesDir()).isAbsolute();
        assertThat(config.runtimeRoot()).isAbsolute();
    }

    @Test
    void namesEveryInvalidFieldAtOnce() {
        assertThatThrownBy(() -> new AgentConfig(null, Path.of("/i"), "", Path.of("/r"), "/abs", "bad host",
                Duration.ofSeconds(-1), null, null, null, null, 8, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dataDir is missing")
                .hasMessageContaining("runtimeBinary is missing")
                .hasMessageContaining("cgroupParent '/abs'")
                .hasMessageContaining("hostname 'bad host'")
                .hasMessageContaining("stopGrace")
                .hasMessageContaining("initBinary")
                .hasMessageContaining("warmPool")
                .hasMessageContaining("egress is missing")
                .hasMessageContaining("idMapping is missing")
                .hasMessageContaining("openFiles must be between 64 and 1048576, not 8")
                .hasMessageContaining("inotify is missing");
    }

    @Test
    void withersChangeOneField() {
        AgentConfig config = AgentConfig.defaults(Path.of("/d"), Path.of("/i"))
                .withCgroupParent("mags-test").withRuntimeBinary("crun").withStopGrace(Duration.ZERO)
                .withWarmPool(WarmPoolConfig.disabled()).withEgress(EgressPolicy.parse("10.0.0.0/8", ""))
                .withIdMapping(new IdMapping(200_000, 1000)).withOpenFiles(4096).withInotify(new InotifyLimits(16, 1024));

        assertThat(config.cgroupParent()).isEqualTo("mags-test");
        assertThat(config.runtimeBinary()).isEqualTo("crun");
        assertThat(config.stopGrace()).isZero();
        assertThat(config.warmPool().active()).isEmpty();
        assertThat(config.egress().denied()).hasSize(1);
        assertThat(config.idMapping().start()).isEqualTo(200_000);
        assertThat(config.openFiles()).isEqualTo(4096);
        assertThat(config.inotify()).isEqualTo(new InotifyLimits(16, 1024));
        assertThat(config.dataDir()).isEqualTo(Path.of("/d"));
    }

    @Test
    void inotifyLimitsArePositiveInts() {
        assertThatThrownBy(() -> new InotifyLimits(0, 1L << 31))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inotify instances must be between 1 and 2147483647, not 0")
                .hasMessageContaining("inotify watches must be between 1 and 2147483647, not 2147483648");
    }
}
