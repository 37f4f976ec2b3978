package dev.mags.agent.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxRoutesTest {

    @Test
    void hostAddressesLinkLocalAndDeniedNetworksBecomeUnreachable() throws Exception {
        List<String> lines = SandboxRoutes.batch(EgressPolicy.parse("10.0.0.0/8", ""),
                List.of(address("192.0.2.2"), address("172.17.0.1")));

        assertThat(lines).containsExactly(
                "route add unreachable 10.0.0.0/8",
                "route add unreachable 169.254.0.0/16",
                "route add unreachable 172.17.0.1/32",
                "route add unreachable 192.0.2.2/32");
    }

    @Test
    void allowedNetworksGoThroughTheGatewayButNeverReopenTheHost() throws Exception {
        List<String> lines = SandboxRoutes.batch(
                EgressPolicy.parse("10.0.0.0/8", "10.213.4.0/30, 10.9.9.9/32, 10.0.0.0/8"),
                List.of(address("10.9.9.9")));

        assertThat(lines).containsExactly(
                "route add unreachable 10.0.0.0/8",
                "route add unreachable 10.9.9.9/32",
                "route add unreachable 169.254.0.0/16",
                "route add 10.213.4.0/30 via 10.0.2.2 dev tap0");
    }

    @Test
    void hostAddressesInsideSlirpsNetworkAreLeftToSlirp() throws Exception {
        // slirp answers 10.0.2.0/24 itself; a route for 10.0.2.2 would cut the sandbox off its gateway.
        List<String> lines = SandboxRoutes.batch(new EgressPolicy(List.of(), List.of()),
                List.of(address("10.0.2.2"), address("10.0.2.15")));

        assertThat(lines).containsExactly("route add unreachable 169.254.0.0/16");
    }

    @Test
    void listsEachNetworkOnce() throws Exception {
        List<String> lines = SandboxRoutes.batch(EgressPolicy.parse("169.254.0.0/16, 192.0.2.2/32", ""),
                List.of(address("192.0.2.2"), address("192.0.2.2")));

        assertThat(lines).containsExactly("route add unreachable 169.254.0.0/16", "route add unreachable 192.0.2.2/32");
    }

    private static Inet4Address address(String text) throws Exception {
        return (Inet4Address) InetAddress.getByName(text);
    }
}
