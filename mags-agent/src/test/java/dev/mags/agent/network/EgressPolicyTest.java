package dev.mags.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EgressPolicyTest {

    @Test
    void defaultsDenyEveryNonPublicRangeAndAllowNothing() {
        EgressPolicy policy = EgressPolicy.defaults();

        assertThat(policy.denied()).extracting(Cidr::toString).contains(
                "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "224.0.0.0/4");
        assertThat(policy.allowed()).isEmpty();
        assertThat(EgressPolicy.ALWAYS_DENIED).containsExactly(Cidr.parse("169.254.0.0/16"));
        assertThat(policy.denied()).noneMatch(c -> c.contains(Cidr.parse("1.1.1.1/32")) || c.contains(Cidr.parse("151.101.2.132")));
    }

    @Test
    void parsesCommaSeparatedLists() {
        EgressPolicy policy = EgressPolicy.parse("10.0.0.0/8, 192.168.0.0/16", " ");

        assertThat(policy.denied()).containsExactly(Cidr.parse("10.0.0.0/8"), Cidr.parse("192.168.0.0/16"));
        assertThat(policy.allowed()).isEmpty();
        assertThat(policy.withAllowed(List.of(Cidr.parse("10.1.0.0/16"))).allowed()).containsExactly(Cidr.parse("10.1.0.0/16"));
    }

    @Test
    void refusesWhatWouldCutTheSandboxOffSlirpOrOpenLinkLocal() {
        assertThatThrownBy(() -> EgressPolicy.parse("10.0.2.0/24, 10.0.2.3", "169.254.169.254"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10.0.2.0/24 lies inside the sandbox's own network")
                .hasMessageContaining("10.0.2.3/32 lies inside the sandbox's own network")
                .hasMessageContaining("allowed 169.254.169.254/32 lies inside 169.254.0.0/16");
        // Containing slirp's network is fine: its own /24 route is more specific.
        assertThat(EgressPolicy.parse("10.0.0.0/8", "").denied()).hasSize(1);
    }
}
