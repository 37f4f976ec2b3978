package dev.mags.wire.client;

import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.CommandGate;
import dev.mags.protocol.v2.Exec;
import dev.mags.protocol.v2.ExecListener;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.ExitReason;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxEnd;
import dev.mags.protocol.v2.SandboxFiles;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxState;
import dev.mags.wire.Requests;
import dev.mags.wire.WireProtocol;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A sandbox on a remote agent: every call is a call to that agent. */
final class RemoteSandbox implements Sandbox {
    private final AgentClient client;
    private final SandboxId id;
    private final String path;
    private final CompletableFuture<SandboxEnd> ended = new CompletableFuture<>();
    private volatile boolean watching;

    RemoteSandbox(AgentClient client, SandboxId id) {
        this.client = client;
        this.id = id;
        this.path = "/sandboxes/" + id.value();
    }

    @Override
    public SandboxId id() {
        return id;
    }

    @Override
    public SandboxState state() {
        if (ended.isDone()) {
            return SandboxState.ENDED;
        }
        try {
            Map<?, ?> answer = client.call("GET", path + "/state", null, Map.class);
            return SandboxState.valueOf((String) answer.get("state"));
        } catch (AgentException e) {
            if (e.code() == AgentErrorCode.NOT_FOUND) {
                return SandboxState.ENDED;
            }
            throw e;
        }
    }

    @Override
    public Exec exec(ExecSpec spec, ExecListener listener, CommandGate gate) {
        return RemoteExec.start(client, this, spec, listener, gate);
    }

    @Override
    public Socket connect(int sandboxPort) throws IOException {
        return client.upgrade(path + "/ports/" + sandboxPort, WireProtocol.PORT_UPGRADE);
    }

    @Override
    public <T> T dial(int sandboxPort, Opener<T> opener) {
        // A socket of this process cannot be put into a remote host's sandbox network: HTTP clients with their own
        // non-blocking I/O (the apps proxy) go through the agent's gateway(), others use connect().
        throw new UnsupportedOperationException("dial() reaches sandboxes of an agent in the same process only; "
                + "use gateway() or connect() for sandbox " + id + " on the agent at " + client.base());
    }

    @Override
    public java.util.Optional<dev.mags.protocol.v2.PortGateway> gateway(int sandboxPort) {
        return java.util.Optional.of(new dev.mags.protocol.v2.PortGateway(client.base(), Map.of(
                WireProtocol.GATEWAY_SANDBOX, id.value(), WireProtocol.GATEWAY_PORT, Integer.toString(sandboxPort),
                WireProtocol.GATEWAY_SECRET, client.secret()), client.tls()));
    }

    @Override
    public SandboxFiles files() {
        return new RemoteFiles(client, path);
    }

    @Override
    public void freeze() {
        client.call("POST", path + "/freeze", null, Void.class);
    }

    @Override
    public void thaw() {
        client.call("POST", path + "/thaw", null, Void.class);
    }

    @Override
    public CompletableFuture<SandboxEnd> stop(Duration grace, boolean sync) {
        // The answer is the end; a failed call (the agent unreachable) fails this stop, not the sandbox's end.
        CompletableFuture<SandboxEnd> stopped = new CompletableFuture<>();
        Thread.ofVirtual().name("stop-" + id).start(() -> {
            try {
                SandboxEnd end = client.call("POST", path + "/stop", new Requests.Stop(grace.toMillis(), sync),
                        SandboxEnd.class);
                ended.complete(end);
                stopped.complete(end);
            } catch (AgentException e) {
                if (e.code() == AgentErrorCode.NOT_FOUND) {
                    ended().whenComplete((end, t) -> stopped.complete(end));
                } else {
                    stopped.completeExceptionally(e);
                }
            } catch (RuntimeException e) {
                stopped.completeExceptionally(e);
            }
        });
        return stopped;
    }

    /** Asks the agent for the sandbox's end, one long poll after another, on a thread started at the first call. */
    @Override
    public synchronized CompletableFuture<SandboxEnd> ended() {
        if (!watching) {
            watching = true;
            Thread.ofVirtual().name("ended-" + id).start(this::watchEnd);
        }
        return ended;
    }

    private void watchEnd() {
        Duration retry = Duration.ofMillis(200);
        while (!ended.isDone()) {
            try {
                SandboxEnd end = client.call("GET", path + "/ended", null, SandboxEnd.class);
                if (end != null) {
                    ended.complete(end);
                }
                retry = Duration.ofMillis(200);
            } catch (AgentException e) {
                if (e.code() == AgentErrorCode.NOT_FOUND) {
                    ended.complete(new SandboxEnd(ExitReason.FAILED, "the agent at " + client.base()
                            + " no longer knows this sandbox", null, null));
                    return;
                }
                // Unreachable for now: keep asking. Declaring an agent lost is the cluster's decision, not ours.
                sleep(retry);
                retry = retry.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5)
                        : retry.multipliedBy(2);
            }
        }
    }

    /** Completes the end from outside: the cluster declared the agent lost. */
    void lost(String why) {
        ended.complete(new SandboxEnd(ExitReason.AGENT_LOST, why, null, null));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "sandbox " + id + " on " + client.base();
    }
}
