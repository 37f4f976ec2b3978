package dev.mags.controlplane.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.api.ExecEnd;
import dev.mags.api.ExecRequest;
import dev.mags.controlplane.error.MagsException;
import dev.mags.controlplane.exec.ExecFailures;
import dev.mags.controlplane.exec.ExecLimits;
import dev.mags.controlplane.exec.ExecOutcome;
import dev.mags.controlplane.exec.ExecRequests;
import dev.mags.controlplane.exec.ExecSession;
import dev.mags.controlplane.exec.Signals;
import dev.mags.protocol.v2.Exec;
import dev.mags.protocol.v2.PtySize;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.xnio.Pooled;

/**
 * One interactive exec on a WebSocket. The first client message (text) is the command; then binary frames whose
 * first byte is the channel: 0 stdin (empty: end of file), 4 resize ({@code {"cols","rows"}}), 5 signal (a name).
 * The server sends 1 stdout, 2 stderr, 3 exit (JSON, then it closes). The exec's start, and each stdin write, run
 * off the socket's I/O thread with the socket's receives suspended, so a process that does not read its stdin
 * stops the client's sending (TCP's window), not the server's memory. A socket that closes hangs the exec up.
 */
final class ExecSocket {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ExecSocket.class);
    private enum State { WAITING, RUNNING, CLOSED }

    private final WebSocketChannel channel;
    private final ExecSession session;
    private final ExecRequests requests;
    private final ExecLimits limits;
    private final ObjectMapper json;
    private final AtomicReference<State> state = new AtomicReference<>(State.WAITING);
    private final SocketSink sink;
    private volatile Exec exec;
    private volatile boolean tty;

    ExecSocket(WebSocketChannel channel, ExecSession session, ExecRequests requests, ExecLimits limits,
            ObjectMapper json) {
        this.channel = channel;
        this.session = session;
        this.requests = requests;
        this.limits = limits;
        this.json = json;
        this.sink = new SocketSink(channel, this::hangUp);
    }

    void start() {
        channel.addCloseTask(c -> closed());
        channel.getReceiveSetter().set(new Receiver());
        channel.getIoThread().executeAfter(() -> {
            if (state.compareAndSet(State.WAITING, State.CLOSED)) {
                Thread.ofVirtual().start(() -> finish(ExecOutcome.refused("timeout", "no command came within "
                        + limits.firstMessage().toSeconds() + " s of the upgrade; send the exec request as the"
                        + " first (text) message")));
            }
        }, limits.firstMessage().toMillis(), TimeUnit.MILLISECONDS);
        channel.resumeReceives();
    }

    /** The first message: parse, start, then wait for the end on this thread and tell it. */
    private void begin(String text) {
        channel.suspendReceives();
        Thread.ofVirtual().name("exec-socket").start(() -> {
            try {
                ExecRequests.Parsed parsed = requests.forSocket(read(text));
                tty = parsed.spec().pty() != null;
                try {
                    exec = session.start(parsed.spec(), sink);
                } catch (RuntimeException e) {
                    throw ExecFailures.of(e, session.name());
                }
                if (state.get() == State.CLOSED) {
                    hangUp();
                }
                if (parsed.stdin() != null) {
                    exec.stdin().write(parsed.stdin());
                    exec.stdin().flush();
                }
            } catch (MagsException e) {
                refuse(e.code(), e.getMessage());
                return;
            } catch (IOException e) {
                // the process closed its stdin early; it runs on
            } catch (RuntimeException | Error e) {
                LOG.error("exec in sandbox '{}' failed to start", session.name(), e);
                refuse("internal", "internal server error; see the server log");
                return;
            }
            channel.resumeReceives();
            finish(await());
        });
    }

    private ExecRequest read(String text) {
        try {
            return json.readValue(text, ExecRequest.class);
        } catch (JsonProcessingException e) {
            throw JsonInputErrors.of(e);
        }
    }

    private ExecEnd await() {
        try {
            return ExecOutcome.of(exec.exit().join(), session.name());
        } catch (CompletionException e) {
            return ExecOutcome.failed(e.getCause() == null ? e : e.getCause());
        }
    }

    private void finish(ExecEnd end) {
        try {
            byte[] body = json.writeValueAsBytes(end);
            if (sink.send(SocketSink.EXIT, body, 0, body.length)) {
                WebSockets.sendCloseBlocking(CloseMessage.NORMAL_CLOSURE, "", channel);
            }
        } catch (IOException e) {
            // the client is gone; nothing is owed to it
        } finally {
            session.close();
        }
    }

    /** An exec that does not start: its exit frame says why, then the socket closes. */
    private void refuse(String code, String message) {
        state.set(State.CLOSED);
        finish(ExecOutcome.refused(code, message));
    }

    private void frame(byte[] frame) {
        if (frame.length == 0) {
            protocolError("an empty frame; a frame starts with its channel byte");
            return;
        }
        byte kind = frame[0];
        try {
            switch (kind) {
                case SocketSink.STDIN -> stdin(frame);
                case SocketSink.RESIZE -> {
                    Resize r = json.readValue(frame, 1, frame.length - 1, Resize.class);
                    exec.resize(new PtySize(r.cols(), r.rows()));
                }
                case SocketSink.SIGNAL -> exec.signal(Signals.number(new String(frame, 1, frame.length - 1,
                        StandardCharsets.UTF_8)));
                default -> protocolError("channel " + kind + " is not one a client sends (0 stdin, 4 resize, 5"
                        + " signal)");
            }
        } catch (IOException | RuntimeException e) {
            protocolError("a bad frame on channel " + kind + ": " + e.getMessage());
        }
    }

    private void stdin(byte[] frame) {
        if (frame.length == 1 && tty) {
            return; // a terminal has no end of file of its own (Ctrl-D is a character), as sshd does it
        }
        channel.suspendReceives();
        Thread.ofVirtual().name("exec-stdin").start(() -> {
            OutputStream in = exec.stdin();
            try {
                if (frame.length == 1) {
                    in.close();
                } else {
                    in.write(frame, 1, frame.length - 1);
                    in.flush();
                }
            } catch (IOException | RuntimeException e) {
                // the process closed its stdin or ended: what the client sends next is dropped
            } finally {
                channel.resumeReceives();
            }
        });
    }

    private void protocolError(String reason) {
        WebSockets.sendClose(CloseMessage.MSG_VIOLATES_POLICY, reason.length() > 120 ? reason.substring(0, 120)
                : reason, channel, null);
    }

    private void hangUp() {
        Exec e = exec;
        if (e != null) {
            session.hangUp(e);
        }
    }

    private void closed() {
        State before = state.getAndSet(State.CLOSED);
        if (before == State.WAITING) {
            session.close();
        } else {
            hangUp();
        }
    }

    record Resize(Integer cols, Integer rows) {}

    private final class Receiver extends AbstractReceiveListener {
        @Override
        protected long getMaxTextBufferSize() {
            return limits.maxFrameBytes();
        }

        @Override
        protected long getMaxBinaryBufferSize() {
            return limits.maxFrameBytes();
        }

        @Override
        protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
            if (state.compareAndSet(State.WAITING, State.RUNNING)) {
                begin(message.getData());
            } else {
                protocolError("text after the first message; stdin goes in binary frames on channel 0");
            }
        }

        @Override
        protected void onFullBinaryMessage(WebSocketChannel ch, BufferedBinaryMessage message) {
            byte[] bytes;
            try (Pooled<ByteBuffer[]> data = message.getData()) {
                bytes = WebSockets.mergeBuffers(data.getResource()).array();
            }
            if (exec == null) {
                protocolError("a binary frame before the command; send the exec request as the first (text)"
                        + " message");
                return;
            }
            frame(bytes);
        }
    }
}
