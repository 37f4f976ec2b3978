package dev.mags.protocol.v2;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A sandbox on an agent: created by {@link Agent#create}, it runs until stopped (or until its init dies) and
 * takes any number of execs meanwhile, several at once.
 */
public interface Sandbox {
    SandboxId id();

    SandboxState state();

    /**
     * Starts a process in the sandbox and returns once it runs. {@code gate} is called right before the process
     * is handed over (see {@link CommandGate}); if it throws, nothing starts and this throws it.
     *
     * @throws AgentException NOT_FOUND when the sandbox has ended, FROZEN while it is frozen, INVALID_SPEC for an
     *     exec it cannot start (a NUL in an argument, say)
     */
    Exec exec(ExecSpec spec, ExecListener listener, CommandGate gate);

    /**
     * A new TCP connection to {@code sandboxPort} on the sandbox's own loopback address (a server inside that
     * listens on 127.0.0.1 or on every address answers). Nothing on the host listens for it: the connection is
     * made from inside the sandbox's network, so no one but the caller can reach a sandbox's port. Works in a
     * sandbox without outbound network too.
     *
     * @throws java.net.ConnectException when nothing listens on the port (yet)
     * @throws AgentException NOT_FOUND when the sandbox has ended, FROZEN while it is frozen
     */
    Socket connect(int sandboxPort) throws IOException;

    /**
     * Runs {@code opener} on a thread that is inside the sandbox's network, with the address that reaches
     * {@code sandboxPort} there, and returns what it returned: for callers with non-blocking I/O of their own
     * (the public URLs' proxy), whose sockets must belong to the sandbox's network exactly as {@link #connect}'s
     * do. The opener must create and start connecting its sockets before it returns, and do nothing else: it
     * runs on a thread shared by every sandbox.
     *
     * @throws AgentException NOT_FOUND when the sandbox has ended, FROZEN while it is frozen
     */
    <T> T dial(int sandboxPort, Opener<T> opener) throws IOException;

    /**
     * Where an HTTP client reaches {@code sandboxPort} when the sandbox is on another host: its agent's port gateway.
     * Empty for a sandbox of an agent in this process, whose ports {@link #dial} reaches directly.
     */
    default java.util.Optional<PortGateway> gateway(int sandboxPort) {
        return java.util.Optional.empty();
    }

    /** What {@link #dial} runs inside the sandbox's network. */
    @FunctionalInterface
    interface Opener<T> {
        T open(InetSocketAddress address) throws IOException;
    }

    SandboxFiles files();

    /** Freezes every process of the sandbox (memory kept, no CPU); execs cannot start until {@link #thaw()}. */
    void freeze();

    void thaw();

    /**
     * Ends the sandbox: SIGTERM to every process, SIGKILL after {@code grace}, the final sync of a stored
     * workspace when {@code sync}, then the release of everything but the workspace's disk. Running execs end
     * with SANDBOX_ENDED (or STOPPED). Harmless twice; returns {@link #ended()}.
     */
    CompletableFuture<SandboxEnd> stop(Duration grace, boolean sync);

    /** Completes when the sandbox has ended, however it ended, and its resources are released. */
    CompletableFuture<SandboxEnd> ended();
}
