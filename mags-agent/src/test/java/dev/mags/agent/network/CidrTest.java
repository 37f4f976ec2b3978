package dev.mags.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void parsesNetworksAndSingleAddresses() {
        assertThat(Cidr.parse("10.0.0.0/8")).hasToString("10.0.0.0/8");
        assertThat(Cidr.parse(" 192.168.1.7 ")).isEqualTo(Cidr.parse("192.168.1.7/32"));
        assertThat(Cidr.parse("0.0.0.0/0").prefix()).isZero();
        assertThat(Cidr.parse("255.255.255.255/32")).hasToString("255.255.255.255/32");
    }

    @Test
    void refusesMalformedTextAndHostBitsBelowThePrefix() {
        for (String bad : new String[] {"", "10.0.0/8", "10.0.0.256/32", "10.0.0.0/33", "10.0.0.0/x", "a.b.c.d", "::1/128"}) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> Cidr.parse("10.1.2.3/8"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the network is 10.0.0.0/8");
    }

    @Test
    void containmentFollowsThePrefix() {
        Cidr ten = Cidr.parse("10.0.0.0/8");
        assertThat(ten.contains(Cidr.parse("10.213.4.0/30"))).isTrue();
        assertThat(ten.contains(Cidr.parse("11.0.0.0/8"))).isFalse();
        assertThat(Cidr.parse("10.213.4.0/30").contains(ten)).isFalse();
        assertThat(Cidr.parse("10.213.4.0/30").overlaps(ten)).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains(Cidr.parse("203.0.113.9/32"))).isTrue();
        assertThat(Cidr.parse("240.0.0.0/4").contains(Cidr.parse("255.255.255.255/32"))).isTrue();
    }

    @Test
    void anAddressIsASlash32() throws Exception {
        assertThat(Cidr.of((Inet4Address) InetAddress.getByName("192.0.2.200"))).hasToString("192.0.2.200/32");
    }
}
