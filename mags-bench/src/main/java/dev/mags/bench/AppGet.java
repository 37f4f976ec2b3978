package dev.mags.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One client of a web app, one GET at a time on a connection kept alive while the server allows, timed from
 * the request to its first byte and to its end. A request that needs a new connection pays for it, as a visitor's
 * would.
 */
final class AppGet implements AutoCloseable {
    /** Opens a connected channel to the server (blocking mode). */
    @FunctionalInterface
    interface Dial {
        SocketChannel open() throws IOException;
    }

    /** One answer and its timings. */
    record Timed(AppAnswer answer, double firstByteMs, double totalMs) {}

    private final Dial dial;
    private final byte[] request;
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    private SocketChannel channel;

    AppGet(Dial dial, String host, String path) {
        this.dial = dial;
        this.request = AppAnswer.request(host, path);
    }

    Timed get() throws IOException {
        long start = System.nanoTime();
        boolean fresh = channel == null;
        if (fresh) {
            channel = dial.open();
            channel.configureBlocking(true);
            channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        }
        try {
            return exchange(start);
        } catch (IOException e) {
            close();
            if (fresh) {
                throw e;
            }
            // The server closed the idle connection (a keep-alive timeout): once more on a new one.
            return get();
        }
    }

    private Timed exchange(long start) throws IOException {
        channel.write(ByteBuffer.wrap(request));
        in.clear();
        long firstByte = 0;
        for (;;) {
            if (channel.read(in) < 0) {
                throw new IOException("the server closed the connection before its answer ended");
            }
            if (firstByte == 0) {
                firstByte = System.nanoTime();
            }
            AppAnswer a = AppAnswer.parse(in.array(), in.position());
            if (a != null) {
                long end = System.nanoTime();
                if (a.close()) {
                    close();
                }
                return new Timed(a, (firstByte - start) / 1e6, (end - start) / 1e6);
            }
            if (!in.hasRemaining()) {
                throw new IOException("an answer larger than " + in.capacity() + " bytes");
            }
        }
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to do with it
            }
            channel = null;
        }
    }
}
