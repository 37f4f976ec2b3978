package dev.mags.controlplane.http;

import dev.mags.protocol.v2.ExecListener;
import dev.mags.protocol.v2.ExecStream;
import io.undertow.websockets.core.WebSockets;
import io.undertow.websockets.core.WebSocketChannel;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Sends an exec's output over its WebSocket as binary frames (channel 1 stdout, 2 stderr), one per chunk read,
 * each send waiting until the frame is written: a client that does not read holds the agent's reader, whose pipe
 * then fills and stops the process. A send that fails (the socket closed) calls {@code broken} once and drops
 * what follows.
 */
final class SocketSink implements ExecListener {
    static final byte STDIN = 0;
    static final byte STDOUT = 1;
    static final byte STDERR = 2;
    static final byte EXIT = 3;
    static final byte RESIZE = 4;
    static final byte SIGNAL = 5;

    private final WebSocketChannel channel;
    private final Runnable broken;
    private boolean failed;

    SocketSink(WebSocketChannel channel, Runnable broken) {
        this.channel = channel;
        this.broken = broken;
    }

    @Override
    public void output(ExecStream stream, byte[] data, int offset, int length) {
        send(stream == ExecStream.STDERR ? STDERR : STDOUT, data, offset, length);
    }

    /** Sends one frame of {@code channelByte} and {@code data}; false when the socket is gone. */
    synchronized boolean send(byte channelByte, byte[] data, int offset, int length) {
        if (failed) {
            return false;
        }
        ByteBuffer frame = ByteBuffer.allocate(length + 1);
        frame.put(channelByte).put(data, offset, length).flip();
        try {
            WebSockets.sendBinaryBlocking(frame, channel);
            return true;
        } catch (IOException e) {
            failed = true;
            broken.run();
            return false;
        }
    }
}
