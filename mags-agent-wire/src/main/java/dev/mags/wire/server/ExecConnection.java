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
import dev.mags.wire.Frames;
import dev.mags.wire.WireError;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.StreamConnection;
import org.xnio.streams.ChannelInputStream;
import org.xnio.streams.ChannelOutputStream;

/**
 * One exec on an upgraded connection, agent side: reads the spec, asks the client to pass the gate, starts the
 * process, then streams its output out and stdin, resizes and signals in until it exits. A client that goes away
 * before the exit takes its process with it (SIGKILL): nobody is left to read what it prints.
 */
final class ExecConnection implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ExecConnection.class);
    private static final int CHUNK = 64 * 1024;
    private final ObjectMapper json;
    private final Sandbox sandbox;
    private final StreamConnection connection;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final AtomicReference<Exec> exec = new AtomicReference<>();

    ExecConnection(ObjectMapper json, Sandbox sandbox, StreamConnection connection) {
        this.json = json;
        this.sandbox = sandbox;
        this.connection = connection;
        this.in = new DataInputStream(new BufferedInputStream(new ChannelInputStream(connection.getSourceChannel())));
        this.out = new DataOutputStream(new BufferedOutputStream(new ChannelOutputStream(connection.getSinkChannel()),
                CHUNK + 16));
    }

    @Override
    public void run() {
        try (connection) {
            Frames.Frame first = Frames.require(in);
            if (first.type() != Frames.SPEC) {
                throw new IOException("an exec connection starts with its spec, not frame '" + (char) first.type() + "'");
            }
            ExecSpec spec = json.readValue(first.payload(), ExecSpec.class);
            Exec started;
            try {
                started = sandbox.exec(spec, this::output, this::gate);
            } catch (RuntimeException e) {
                send(Frames.FAILED, json.writeValueAsBytes(WireError.of(e)));
                return;
            }
            exec.set(started);
            send(Frames.STARTED, new byte[0]);
            Thread.ofVirtual().name("agent-exec-in").start(() -> readClient(started));
            ExecExit exit = started.exit().join();
            send(Frames.EXIT, json.writeValueAsBytes(exit));
        } catch (IOException | RuntimeException e) {
            LOG.debug("exec connection ended early", e);
            kill();
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

    private void readClient(Exec started) {
        try {
            for (Frames.Frame f = Frames.read(in); f != null; f = Frames.read(in)) {
                switch (f.type()) {
                    case Frames.STDIN -> started.stdin().write(f.payload());
                    case Frames.STDIN_CLOSE -> started.stdin().close();
                    case Frames.RESIZE -> started.resize(json.readValue(f.payload(), PtySize.class));
                    case Frames.SIGNAL -> started.signal(ByteBuffer.wrap(f.payload()).getInt());
                    default -> throw new IOException("unexpected frame '" + (char) f.type() + "' from the client");
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("exec client frames ended", e);
        }
        if (!started.exit().isDone()) {
            LOG.info("the control plane left exec in sandbox {} before it ended; killing it", sandbox.id());
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
