package dev.mags.wire.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.CommandGate;
import dev.mags.protocol.v2.Exec;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExecListener;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.ExecStream;
import dev.mags.protocol.v2.ExitReason;
import dev.mags.protocol.v2.PtySize;
import dev.mags.wire.Frames;
import dev.mags.wire.WireError;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * An exec on a remote agent, over an upgraded connection (frames: {@link Frames}). {@link #start} returns once the
 * agent says the process runs; the gate runs here, on the caller's side, when the agent reaches it. The connection
 * is one the agent kept after an earlier exec in the same sandbox when there is one ({@link ExecConnections}), and
 * is given back for the next once the exit has arrived; from then on this exec sends nothing more on it.
 */
final class RemoteExec implements Exec {
    private final ObjectMapper json;
    private final AgentClient client;
    private final RemoteSandbox sandbox;
    private final ExecConnections.Connection connection;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final ExecListener listener;
    private final boolean hasStdin;
    private final CompletableFuture<ExecExit> exit = new CompletableFuture<>();
    private final OutputStream stdin = new StdinFrames();
    /** Whether the agent has sent anything for this exec: until it has, a kept connection may be one it closed. */
    private boolean heard;
    /** Set once the connection is given back (guarded by {@code out}): what this exec would send is dropped. */
    private boolean released;

    private RemoteExec(AgentClient client, RemoteSandbox sandbox, ExecConnections.Connection connection,
            ExecListener listener, boolean hasStdin) {
        this.json = client.json();
        this.client = client;
        this.sandbox = sandbox;
        this.connection = connection;
        this.in = connection.in();
        this.out = connection.out();
        this.listener = listener;
        this.hasStdin = hasStdin;
    }

    static Exec start(AgentClient client, RemoteSandbox sandbox, ExecSpec spec, ExecListener listener, CommandGate gate) {
        ExecConnections.Connection kept = client.execs().take(sandbox.id().value());
        if (kept != null) {
            RemoteExec exec = begin(client, sandbox, kept, true, spec, listener, gate);
            if (exec != null) {
                return exec;
            } // else the agent closed the kept connection before it read the spec: this exec goes on a new one
        }
        ExecConnections.Connection fresh;
        try {
            fresh = client.openExec(sandbox.id().value());
        } catch (IOException e) {
            throw new AgentException(AgentErrorCode.UNREACHABLE, "could not start an exec on the agent at "
                    + client.base() + ": " + e.getMessage(), e);
        }
        return begin(client, sandbox, fresh, false, spec, listener, gate);
    }

    /** The exec started on {@code connection}; null when that was a kept one that broke before the agent answered. */
    private static RemoteExec begin(AgentClient client, RemoteSandbox sandbox, ExecConnections.Connection connection,
            boolean reused, ExecSpec spec, ExecListener listener, CommandGate gate) {
        RemoteExec exec = new RemoteExec(client, sandbox, connection, listener, spec.stdin());
        try {
            exec.begin(spec, gate);
            return exec;
        } catch (IOException e) {
            connection.close();
            if (reused && !exec.heard) {
                return null;
            }
            throw new AgentException(AgentErrorCode.UNREACHABLE, "lost the agent at " + client.base()
                    + " while starting an exec: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private void begin(ExecSpec spec, CommandGate gate) throws IOException {
        send(Frames.SPEC, json.writeValueAsBytes(spec));
        awaitStart(gate);
        Thread.ofVirtual().name("exec-frames-" + sandbox.id().value()).start(this::readOutput);
    }

    /** Reads until the process runs: passes the gate, delivers early output, throws what exec threw. */
    private void awaitStart(CommandGate gate) throws IOException {
        RuntimeException gateFailure = null;
        while (true) {
            Frames.Frame f = Frames.require(in);
            heard = true;
            switch (f.type()) {
                case Frames.GATE -> {
                    try {
                        gate.beforeCommand();
                        send(Frames.GATE_OPEN, new byte[0]);
                    } catch (RuntimeException e) {
                        gateFailure = e;
                        send(Frames.GATE_REFUSED, json.writeValueAsBytes(WireError.of(e)));
                    }
                }
                case Frames.STDOUT, Frames.STDERR -> deliver(f);
                case Frames.STARTED -> {
                    return;
                }
                case Frames.FAILED -> {
                    if (gateFailure != null) {
                        throw gateFailure;
                    }
                    Exception e = json.readValue(f.payload(), WireError.class).toException();
                    throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
                }
                default -> throw new IOException("unexpected frame '" + (char) f.type() + "' before the start");
            }
        }
    }

    private void readOutput() {
        try {
            for (Frames.Frame f = Frames.require(in); ; f = Frames.require(in)) {
                if (f.type() == Frames.EXIT) {
                    ExecExit exited = json.readValue(f.payload(), ExecExit.class);
                    synchronized (out) {
                        released = true;
                    }
                    client.execs().give(sandbox.id().value(), connection); // before the exit, for the caller's next
                    exit.complete(exited);
                    return;
                }
                deliver(f);
            }
        } catch (IOException | RuntimeException e) {
            connection.close();
            exit.complete(afterLostConnection(e));
        }
    }

    /**
     * The exec's connection broke before its exit: if the agent still answers, it has ended the exec (it does when
     * its caller goes); if not, the sandbox's fate tells, once the agent answers again or the cluster declares it
     * lost.
     */
    private ExecExit afterLostConnection(Exception e) {
        String lost = "lost the connection to the agent running " + sandbox + ": " + e.getMessage();
        try {
            if (sandbox.state() != dev.mags.protocol.v2.SandboxState.ENDED) {
                return new ExecExit(null, ExitReason.FAILED, lost);
            }
        } catch (AgentException unreachable) {
            // the agent does not answer: wait for the sandbox's end below
        }
        dev.mags.protocol.v2.SandboxEnd end = sandbox.ended().join();
        return end.reason() == ExitReason.AGENT_LOST ? new ExecExit(null, ExitReason.AGENT_LOST, end.detail())
                : new ExecExit(null, ExitReason.SANDBOX_ENDED, lost + "; the sandbox ended: " + end.reason());
    }

    private void deliver(Frames.Frame f) throws IOException {
        switch (f.type()) {
            case Frames.STDOUT -> listener.output(ExecStream.STDOUT, f.payload(), 0, f.payload().length);
            case Frames.STDERR -> listener.output(ExecStream.STDERR, f.payload(), 0, f.payload().length);
            default -> throw new IOException("unexpected frame '" + (char) f.type() + "' in an exec's output");
        }
    }

    private void send(byte type, byte[] payload) throws IOException {
        sendPart(type, payload, 0, payload.length);
    }

    private void sendPart(byte type, byte[] data, int offset, int length) throws IOException {
        synchronized (out) {
            if (released) {
                throw new IOException("the exec has ended");
            }
            Frames.write(out, type, data, offset, length);
        }
    }

    @Override
    public OutputStream stdin() {
        if (!hasStdin) {
            throw new IllegalStateException("this exec was started without stdin");
        }
        return stdin;
    }

    @Override
    public void resize(PtySize size) {
        try {
            send(Frames.RESIZE, json.writeValueAsBytes(size));
        } catch (IOException e) {
            // the exec has ended or its connection is gone: a resize has nothing left to do
        }
    }

    @Override
    public void signal(int signal) {
        try {
            send(Frames.SIGNAL, ByteBuffer.allocate(4).putInt(signal).array());
        } catch (IOException e) {
            // harmless once the process has ended, as the contract says
        }
    }

    @Override
    public CompletableFuture<ExecExit> exit() {
        return exit;
    }

    /** Stdin as frames; a write of any size is split to fit a frame. */
    private final class StdinFrames extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int at = 0; at < len; at += 64 * 1024) {
                sendPart(Frames.STDIN, b, off + at, Math.min(64 * 1024, len - at));
            }
        }

        @Override
        public void close() throws IOException {
            send(Frames.STDIN_CLOSE, new byte[0]);
        }
    }
}
