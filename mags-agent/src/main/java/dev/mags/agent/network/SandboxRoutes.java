package dev.mags.agent.network;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The routes that enforce an {@link EgressPolicy} inside a sandbox's network namespace, as lines for
 * {@code ip -batch}. Denied networks get {@code unreachable} routes (a connect fails at once with "No
 * route to host"); allowed exceptions get a route through slirp's gateway that is more specific than
 * the denial it pierces. Routing picks the longest prefix, and each host address is a /32, so no
 * allowed network can reopen the host.
 *
 * <p>These routes hold only while nothing in the sandbox has CAP_NET_ADMIN in the namespace's owning
 * user namespace (it could delete them) or CAP_NET_RAW (an AF_PACKET socket on tap0 bypasses routing
 * and hands slirp4netns a packet to any address). The container spec must drop both capabilities.
 */
public final class SandboxRoutes {
    private SandboxRoutes() {}

    /**
     * @param hostAddresses the host's own IPv4 addresses now; those inside slirp's virtual network are
     *     skipped, since slirp answers that network itself and never forwards it to the host
     */
    public static List<String> batch(EgressPolicy policy, Collection<Inet4Address> hostAddresses) {
        Set<Cidr> denied = new TreeSet<>(EgressPolicy.ALWAYS_DENIED);
        for (Inet4Address a : hostAddresses) {
            Cidr host = Cidr.of(a);
            if (!Slirp4netns.NETWORK.contains(host)) {
                denied.add(host);
            }
        }
        denied.addAll(policy.denied());
        Set<Cidr> allowed = new TreeSet<>(policy.allowed());
        allowed.removeAll(denied); // the same prefix both ways: denial wins (and ip refuses two routes for one prefix)
        List<String> lines = new ArrayList<>();
        denied.forEach(c -> lines.add("route add unreachable " + c));
        allowed.forEach(c -> lines.add("route add " + c + " via " + Slirp4netns.GATEWAY + " dev " + Slirp4netns.TAP));
        return lines;
    }
}
