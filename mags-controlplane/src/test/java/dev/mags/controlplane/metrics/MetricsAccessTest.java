package dev.mags.controlplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The access rule of {@code /metrics}, for addresses a test cannot connect from. */
class MetricsAccessTest {
    private static final String TOKEN = "0123456789abcdef0123";

    @Test
    void loopbackCallersAreAllowedRemoteOnesOnlyWithTheToken() throws Exception {
        InetAddress remote = InetAddress.getByName("203.0.113.7");
        InetAddress remote6 = InetAddress.getByName("2001:db8::7");
        MetricsAccess withToken = new MetricsAccess(TOKEN);

        assertThat(MetricsAccess.LOOPBACK_ONLY.allows(InetAddress.getByName("127.0.0.1"), null)).isTrue();
        assertThat(MetricsAccess.LOOPBACK_ONLY.allows(InetAddress.getByName("::1"), null)).isTrue();
        assertThat(MetricsAccess.LOOPBACK_ONLY.allows(remote, null)).isFalse();
        assertThat(MetricsAccess.LOOPBACK_ONLY.allows(remote, "Bearer " + TOKEN)).isFalse();
        assertThat(withToken.allows(remote, null)).isFalse();
        assertThat(withToken.allows(remote6, "Bearer " + TOKEN.substring(1))).isFalse();
        assertThat(withToken.allows(remote, "Bearer " + TOKEN + "x")).isFalse();
        assertThat(withToken.allows(remote, TOKEN)).isFalse();
        assertThat(withToken.allows(null, null)).isFalse();
        assertThat(withToken.allows(remote, "Bearer " + TOKEN)).isTrue();
        assertThat(withToken.allows(remote6, "Bearer " + TOKEN)).isTrue();
    }

    @Test
    void aShortTokenIsRefused() {
        assertThatThrownBy(() -> new MetricsAccess("short")).hasMessageContaining("at least 16");
    }
}
