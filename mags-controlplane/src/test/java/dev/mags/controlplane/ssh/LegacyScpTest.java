package dev.mags.controlplane.ssh.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LegacyScpTest {
    @Test
    void theServerModesOfScpAreTakenOver() {
        assertThat(LegacyScp.isServerMode("scp -t /tmp")).isTrue();
        assertThat(LegacyScp.isServerMode("scp -r -d -t -- /tmp/x y")).isTrue();
        assertThat(LegacyScp.isServerMode("scp -f up.bin")).isTrue();
        assertThat(LegacyScp.isServerMode("scp -pf /root/a")).isTrue();
        assertThat(LegacyScp.isServerMode("scp -v -r -f /root/tree")).isTrue();
    }

    @Test
    void otherCommandsRunInTheSandbox() {
        assertThat(LegacyScp.isServerMode("scp file other-host:/tmp")).isFalse();
        assertThat(LegacyScp.isServerMode("scp")).isFalse();
        assertThat(LegacyScp.isServerMode("scpx -t /tmp")).isFalse();
        assertThat(LegacyScp.isServerMode("echo scp -t /tmp")).isFalse();
        assertThat(LegacyScp.isServerMode("scp -r dir host:/tmp -t")).isFalse();
    }
}
