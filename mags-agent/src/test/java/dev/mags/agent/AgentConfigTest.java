package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.agent.security.IdMapping;
import java.nio.file.Path;
import java.time.Duration;
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
        assertThat(config.pidsLimit()).isEqualTo(4096);
        assertThat(config.stopGrace()).isPositive();
        assertThat(config.idMapping()).isEqualTo(new IdMapping(100_000, 65_536));
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
        assertThatThrownBy(() -> new AgentConfig(null, Path.of("/i"), "", Path.of("/r"), "/abs", "bad host", 0,
                Duration.ofSeconds(-1), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dataDir is missing")
                .hasMessageContaining("runtimeBinary is missing")
                .hasMessageContaining("cgroupParent '/abs'")
                .hasMessageContaining("hostname 'bad host'")
                .hasMessageContaining("pidsLimit")
                .hasMessageContaining("stopGrace")
                .hasMessageContaining("idMapping is missing");
    }

    @Test
    void withersChangeOneField() {
        AgentConfig config = AgentConfig.defaults(Path.of("/d"), Path.of("/i"))
                .withCgroupParent("mags-test").withRuntimeBinary("crun").withStopGrace(Duration.ZERO).withPidsLimit(10)
                .withIdMapping(new IdMapping(200_000, 1000));

        assertThat(config.cgroupParent()).isEqualTo("mags-test");
        assertThat(config.runtimeBinary()).isEqualTo("crun");
        assertThat(config.stopGrace()).isZero();
        assertThat(config.pidsLimit()).isEqualTo(10);
        assertThat(config.idMapping().start()).isEqualTo(200_000);
        assertThat(config.dataDir()).isEqualTo(Path.of("/d"));
    }
}
