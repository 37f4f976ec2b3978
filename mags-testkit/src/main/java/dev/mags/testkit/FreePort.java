package dev.mags.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A TCP port on the loopback interface that was free a moment ago, below the kernel's ephemeral range. A port the
 * kernel hands out itself (bind to port 0) is in that range, where any outgoing connection may take it as its
 * local port: a server restarted on such a port after a kill (as crash tests do) can find it taken by a connection
 * made meanwhile (ExactlyOnceSoakE2EIT's magsd once could not listen for SSH again: EADDRINUSE). Below the range
 * only an explicit bind takes a port.
 */
public final class FreePort {
    private static final int LOWEST = 10_000;
    private static final int ATTEMPTS = 200;

    private FreePort() {}

    public static int pick() {
        int below = ephemeralLow();
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false); // a port held even in TIME_WAIT is not free for a server that restarts
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new UncheckedIOException(new IOException("no free loopback port between " + LOWEST + " and " + below));
    }

    /** The lowest port of the kernel's ephemeral range (net.ipv4.ip_local_port_range), 32768 by default. */
    private static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).strip();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return low > LOWEST + 1000 ? low : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
