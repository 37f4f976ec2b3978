package dev.mags.wire.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.protocol.v2.CommandGate;
import dev.mags.protocol.v2.Exec;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExecListener;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.ExecStream;
import dev.mags.protocol.v2.PtySize;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.wire.Frames;
import dev.mags.wire.WireError;
import dev.mags.wire.WireProtocol;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.streams.ChannelInputStream;
import org.xnio.streams.ChannelOutputStream;

/**
 * Execs on an upgraded connection, agent side: reads a spec, asks the client to pass the gate, starts the process,
 * then streams its output out and stdin, resizes and signals in until it exits. A client that goes away before
 * the exit takes its process with it (SIGKILL): nobody is left to read what it prints. A kept connection
 * ({@link WireProtocol#EXEC_KEEP}) then waits for the next spec, ignoring what the client sent for the exec that
 * ended, and is closed after {@link #KEEP_IDLE} without one; any other ends after its exit.
 */
final class ExecConnection implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ExecConnection.class);
    private static final int CHUNK = 64 * 1024;
    /** How long a kept connection waits for the next spec; clients stop using one well before. */
    static final Duration KEEP_IDLE = Duration.ofSeconds(30);
    private final ObjectMapper json;
    private final SandboxId sandboxId;
    /**
     * The agent's sandbox of that id, looked up for each spec: a sandbox that ended and was made again under the same
     * id (a job's sandbox woken after a sleep) is the new one, never the one that ended.
     */
    private final Supplier<Sandbox> sandbox;
    private final StreamConnection connection;
    private final boolean keep;
    private final DataInputStream in;
    private final DataOutputStream out;
    /** The exec under way; null before the first spec and between execs. */
    private final AtomicReference<Exec> exec = new AtomicReference<>();
    /** Specs taken so far: tells one idle time from the next. */
    private final AtomicLong specs = new AtomicLong();

    ExecConnection(ObjectMapper json, SandboxId sandboxId, Supplier<Sandbox> sandbox, StreamConnection connection,
            boolean keep) {
        this.json = json;
        this.sandboxId = sandboxId;
        this.sandbox = sandbox;
        this.connection = connection;
        this.keep = keep;
        this.in = new DataInputStream(new BufferedInputStream(new ChannelInputStream(connection.getSourceChannel())));
        this.out = new DataOutputStream(new BufferedOutputStream(new ChannelOutputStream(connection.getSinkChannel()),
                CHUNK + 16));
    }

    /** Reads the client's frames until it goes: each spec starts an exec, the rest go to the exec under way. */
    @Override
    public void run() {
        try (connection) {
            for (Frames.Frame f = Frames.read(in); f != null; f = Frames.read(in)) {
                Exec running = exec.get();
                if (f.type() == Frames.SPEC) {
                    if (running != null || (specs.get() > 0 && !keep)) {
                        throw new IOException("a spec while an exec runs, or on a connection that is not kept");
                    }
                    start(json.readValue(f.payload(), ExecSpec.class));
                } else if (running != null) {
                    try {
                        toExec(running, f);
                    } catch (IOException | RuntimeException e) {
                        if (!running.exit().isDone()) {
                            throw e;
                        } // else it ended meanwhile: the frame was for an exec that is over
                    }
                } else if (specs.get() == 0) {
                    throw new IOException("an exec connection starts with its spec, not frame '" + (char) f.type() + "'");
                }
                // else: stdin, a resize or a signal the client sent before it read the last exec's exit: it is over
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("exec connection ended", e);
        }
        Exec left = exec.get();
        if (left != null && !left.exit().isDone()) {
            LOG.info("the control plane left exec in sandbox {} before it ended; killing it", sandboxId);
            kill();
        }
    }

    /** Starts the spec's exec (the gate is answered on this thread, the reader's); its exit is sent when it comes. */
    private void start(ExecSpec spec) throws IOException {
        specs.incrementAndGet();
        Exec started;
        try {
            started = sandbox.get().exec(spec, this::output, this::gate);
        } catch (RuntimeException e) {
            send(Frames.FAILED, json.writeValueAsBytes(WireError.of(e)));
            ended();
            return;
        }
        exec.set(started);
        send(Frames.STARTED, new byte[0]);
        Thread.ofVirtual().name("agent-exec-exit-" + sandboxId).start(() -> {
            ExecExit exit = started.exit().join();
            exec.compareAndSet(started, null); // what the client sends for it from now on is ignored
            try {
                send(Frames.EXIT, json.writeValueAsBytes(exit));
                ended();
            } catch (IOException e) {
                LOG.debug("could not send an exec's exit", e);
                IoUtils.safeClose(connection);
            }
        });
    }

    /** After an exec's exit or failure: a kept connection waits for the next spec a while; another ends. */
    private void ended() {
        if (!keep) {
            IoUtils.safeClose(connection);
            return;
        }
        long taken = specs.get();
        Thread.ofVirtual().name("agent-exec-idle-" + sandboxId).start(() -> {
            try {
                Thread.sleep(KEEP_IDLE.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            if (specs.get() == taken && exec.get() == null) {
                IoUtils.safeClose(connection);
            }
        });
    }

    private void toExec(Exec running, Frames.Frame f) throws IOException {
        switch (f.type()) {
            case Frames.STDIN -> running.stdin().write(f.payload());
            case Frames.STDIN_CLOSE -> running.stdin().close();
            case Frames.RESIZE -> running.resize(json.readValue(f.payload(), PtySize.class));
            case Frames.SIGNAL -> running.signal(ByteBuffer.wrap(f.payload()).getInt());
            default -> throw new IOException("unexpected frame '" + (char) f.type() + "' from the client");
        }
    }

    private void gate() {
        try {
            send(Frames.GATE, new byte[0]);
            Frames.Frame answer = Frames.require(in);
            if (answer.type() == Frames.GATE_REFUSED) {
                throw new GateRefused(json.readValue(answer.payload(), WireError.class).message());
            }
            if (answer.type() != Frames.GATE_OPEN) {
                throw new IOException("the gate was answered with frame '" + (char) answer.type() + "'");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the control plane did not answer the gate", e);
        }
    }

    /** The client's gate threw; the client rethrows its own exception, this one only stops the exec here. */
    static final class GateRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GateRefused(String message) {
            super(message);
        }
    }

    private void output(ExecStream stream, byte[] data, int offset, int length) {
        byte type = stream == ExecStream.STDOUT ? Frames.STDOUT : Frames.STDERR;
        try {
            for (int at = 0; at < length; at += CHUNK) {
                sendPart(type, data, offset + at, Math.min(CHUNK, length - at));
            }
        } catch (IOException e) {
            // The process's output has nowhere to go: end it rather than let it block on a full pipe forever.
            kill();
        }
    }

    private void kill() {
        Exec running = exec.get();
        if (running != null && !running.exit().isDone()) {
            running.signal(9);
        }
    }

    private void send(byte type, byte[] payload) throws IOException {
        sendPart(type, payload, 0, payload.length);
    }

    private void sendPart(byte type, byte[] data, int offset, int length) throws IOException {
        synchronized (out) {
            Frames.write(out, type, data, offset, length);
        }
    }
}
