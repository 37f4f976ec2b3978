package dev.mags.agent.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdMappingTest {

    @Test
    void theDefaultMapsRootTo100000ForTheFull16BitRange() {
        assertThat(IdMapping.DEFAULT.hostId(0)).isEqualTo(100_000);
        assertThat(IdMapping.DEFAULT.hostId(65_534)).isEqualTo(165_534);
        assertThat(IdMapping.DEFAULT.mapsContainerId(65_535)).isTrue();
        assertThat(IdMapping.DEFAULT.mapsContainerId(65_536)).isFalse();
        assertThat(IdMapping.DEFAULT).hasToString("ids 0-65535 -> host 100000-165535");
    }

    @Test
    void idsOutsideTheRangeHaveNoHostId() {
        assertThatThrownBy(() -> IdMapping.DEFAULT.hostId(70_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("id 70000 is outside the 65536 ids a sandbox has");
        assertThat(IdMapping.DEFAULT.mapsContainerId(-1)).isFalse();
    }

    @Test
    void sandboxRootIsNeverAHostAccount() {
        assertThatThrownBy(() -> new IdMapping(0, 65_536))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be at least 65536 so that sandbox root is never a host account");
        assertThatThrownBy(() -> new IdMapping(1000, 65_536)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesEveryProblemAtOnce() {
        assertThatThrownBy(() -> new IdMapping(5, 0))
                .hasMessageContaining("at least 65536")
                .hasMessageContaining("must be positive");
        assertThatThrownBy(() -> new IdMapping(0xFFFF_0000L, 65_536)).hasMessageContaining("pass the largest id");
    }
}
