package dev.mags.agent.network;

import java.net.Inet4Address;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.List;

/**
 * The host's own IPv4 addresses, read when a sandbox network is attached: a service listening on
 * 0.0.0.0 answers on each of them, so each gets an unreachable route in the sandbox. Addresses the
 * host gains later are not covered until the next attach; loopback is left out (slirp4netns
 * {@code --disable-host-loopback} covers it, and 127/8 inside the sandbox is the sandbox's own).
 */
@FunctionalInterface
public interface HostAddresses {

    List<Inet4Address> current();

    /** Every address of every interface in the agent's network namespace. */
    static HostAddresses system() {
        return () -> {
            try {
                return NetworkInterface.networkInterfaces()
                        .flatMap(NetworkInterface::inetAddresses)
                        .filter(Inet4Address.class::isInstance)
                        .map(Inet4Address.class::cast)
                        .filter(a -> !a.isLoopbackAddress())
                        .distinct()
                        .toList();
            } catch (SocketException e) {
                throw new NetworkException("cannot list the host's network addresses: " + e.getMessage(), e);
            }
        };
    }
}
