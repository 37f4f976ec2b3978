package dev.mags.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.agent.network.NetnsDialer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * A sandbox's port reached straight, without magsd: connections made inside the sandbox's network namespace
 * the way magsd's agent makes them ({@link NetnsDialer}, through a pidfd of the sandbox's init, which runc's state
 * under magsd's runtime root names). What the proxy's figures are compared with: the same server, the same
 * way in, minus the proxy.
 */
final class SandboxPort implements AutoCloseable {
    private final NetnsDialer dialer = new NetnsDialer();
    private final int pidfd;
    private final int port;
    private final long initPid;

    /** The port of the container {@code sandboxId} of the magsd whose data dir is {@code dataDir}. */
    SandboxPort(Path dataDir, String sandboxId, int port) {
        this.port = port;
        try {
            this.initPid = initPid(dataDir.resolve("runtime"), sandboxId);
            this.pidfd = NetnsDialer.pidfd(initPid);
        } catch (IOException e) {
            dialer.close();
            throw new UncheckedIOException(e);
        }
    }

    private static long initPid(Path runtimeRoot, String id) {
        List<String> argv = List.of("runc", "--root", runtimeRoot.toString(), "state", id);
        Sh.Result r = Sh.run(argv).orThrow(argv);
        try {
            JsonNode state = new ObjectMapper().readTree(r.stdout());
            if (!state.path("status").asText().equals("running") || state.path("pid").asLong() <= 0) {
                throw new IllegalStateException("sandbox " + id + " does not run: " + r.stdout());
            }
            return state.path("pid").asLong();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    SocketChannel open() throws IOException {
        return dialer.connect(pidfd, port).getChannel();
    }

    /** A connection to another port of the same sandbox. */
    SocketChannel open(int otherPort) throws IOException {
        return dialer.connect(pidfd, otherPort).getChannel();
    }

    /** The sandbox's init, whose namespaces are the sandbox's. */
    long initPid() {
        return initPid;
    }

    @Override
    public void close() {
        NetnsDialer.closePidfd(pidfd);
        dialer.close();
    }
}
