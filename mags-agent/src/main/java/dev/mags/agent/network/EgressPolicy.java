package dev.mags.agent.network;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which destinations a sandbox may not reach through its NAT, on top of what is always denied:
 * the host's own addresses (computed when a network is attached), the host's loopback
 * (slirp4netns {@code --disable-host-loopback}) and {@link #ALWAYS_DENIED} (link-local, where cloud
 * metadata services live). Everything else goes out through the NAT.
 *
 * <p>The default {@link #DEFAULT_DENIED} is every IPv4 range that is not globally reachable (IANA's
 * special-purpose registry) plus multicast: a sandbox reaches the public internet, not the LAN, VPC,
 * VPN or container networks around the host. {@code allowed} punches holes into {@code denied} for
 * operators who want sandboxes to reach, say, an internal package mirror: an allowed network more
 * specific than a denied one wins (longest prefix); the host's addresses and {@link #ALWAYS_DENIED}
 * can never be allowed. IPv6 is off in the sandbox (slirp4netns without {@code --enable-ipv6}).
 *
 * @param denied networks the sandbox cannot reach
 * @param allowed exceptions to {@code denied}
 */
public record EgressPolicy(List<Cidr> denied, List<Cidr> allowed) {

    /** Link-local, including the cloud metadata address 169.254.169.254. */
    public static final List<Cidr> ALWAYS_DENIED = List.of(Cidr.parse("169.254.0.0/16"));

    /** Not globally reachable (IANA IPv4 special-purpose registry), and multicast. */
    public static final List<Cidr> DEFAULT_DENIED = Stream.of(
            "0.0.0.0/8",          // "this network"
            "10.0.0.0/8",         // private (RFC 1918)
            "100.64.0.0/10",      // carrier-grade NAT; also Tailscale and similar VPNs
            "172.16.0.0/12",      // private (RFC 1918); Docker's default bridges
            "192.0.0.0/24",       // IETF protocol assignments
            "192.0.2.0/24",       // documentation (TEST-NET-1)
            "192.168.0.0/16",     // private (RFC 1918)
            "198.18.0.0/15",      // benchmarking; fake-IP DNS of some proxies
            "198.51.100.0/24",    // documentation (TEST-NET-2)
            "203.0.113.0/24",     // documentation (TEST-NET-3)
            "224.0.0.0/4",        // multicast (mDNS, SSDP on the host's LAN)
            "240.0.0.0/4")        // reserved, and the limited broadcast address
            .map(Cidr::parse).toList();

    /** Validates both lists at once, naming every problem. */
    public EgressPolicy {
        List<String> problems = new ArrayList<>();
        if (denied == null) problems.add("denied is missing");
        if (allowed == null) problems.add("allowed is missing");
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid egress policy: " + String.join("; ", problems));
        }
        denied = List.copyOf(denied);
        allowed = List.copyOf(allowed);
        for (Cidr c : concat(denied, allowed)) {
            // A route of /24 or longer inside slirp's own network would cut the sandbox off its gateway or DNS.
            if (c.prefix() >= Slirp4netns.NETWORK.prefix() && Slirp4netns.NETWORK.contains(c)) {
                problems.add(c + " lies inside the sandbox's own network " + Slirp4netns.NETWORK);
            }
        }
        for (Cidr c : allowed) {
            ALWAYS_DENIED.stream().filter(always -> always.contains(c))
                    .forEach(always -> problems.add("allowed " + c + " lies inside " + always + ", which is always denied"));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid egress policy: " + String.join("; ", problems));
        }
    }

    /** {@link #DEFAULT_DENIED}, nothing allowed. */
    public static EgressPolicy defaults() {
        return new EgressPolicy(DEFAULT_DENIED, List.of());
    }

    /** Parses comma-separated CIDR lists such as {@code "10.0.0.0/8,192.168.0.0/16"}; blank means none. */
    public static EgressPolicy parse(String denied, String allowed) {
        return new EgressPolicy(parseList(denied), parseList(allowed));
    }

    public EgressPolicy withAllowed(List<Cidr> more) {
        return new EgressPolicy(denied, concat(allowed, more));
    }

    private static List<Cidr> parseList(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return Stream.of(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(Cidr::parse).toList();
    }

    private static List<Cidr> concat(List<Cidr> a, List<Cidr> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }
}
