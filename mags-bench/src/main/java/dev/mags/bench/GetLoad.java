package dev.mags.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The load generator of the request-rate figure, built the way ab and wrk are: one thread multiplexes
 * {@code connections} keep-alive HTTP/1.1 connections, each sending the same GET as soon as the answer
 * to the previous one is read to its end. So on a 2-core machine the figure measures the server, not
 * the scheduling of one client thread per connection.
 */
final class GetLoad {
    /** Answers counted by status class. */
    record Counts(long ok, long failed) {}

    private static final class Connection {
        final SocketChannel channel;
        final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        ByteBuffer out;

        Connection(SocketChannel channel) {
            this.channel = channel;
        }
    }

    private GetLoad() {}

    static Counts run(String host, int port, String path, String authorization, int connections, Duration duration)
            throws IOException {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAuthorization: "
                + authorization + "\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        long ok = 0;
        long failed = 0;
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < connections; i++) {
                SocketChannel channel = SocketChannel.open(new InetSocketAddress(host, port));
                channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                channel.configureBlocking(false);
                Connection c = new Connection(channel);
                c.out = ByteBuffer.wrap(request);
                channel.register(selector, SelectionKey.OP_WRITE, c);
            }
            long end = System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < end) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection c = (Connection) key.attachment();
                    if (key.isWritable()) {
                        c.channel.write(c.out);
                        if (!c.out.hasRemaining()) {
                            key.interestOps(SelectionKey.OP_READ);
                        }
                    } else if (key.isReadable()) {
                        if (c.channel.read(c.in) < 0) {
                            throw new IOException("the server closed a keep-alive connection");
                        }
                        int status = complete(c.in);
                        if (status > 0) {
                            if (status == 200) {
                                ok++;
                            } else {
                                failed++;
                            }
                            c.in.clear();
                            c.out = ByteBuffer.wrap(request);
                            c.channel.write(c.out);
                            key.interestOps(c.out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
        }
        return new Counts(ok, failed);
    }

    /** The status code once {@code in} holds a whole answer (headers and Content-Length body), else 0. */
    static int complete(ByteBuffer in) throws IOException {
        byte[] bytes = in.array();
        int filled = in.position();
        int headerEnd = -1;
        for (int i = 3; i < filled; i++) {
            if (bytes[i] == '\n' && bytes[i - 1] == '\r' && bytes[i - 2] == '\n' && bytes[i - 3] == '\r') {
                headerEnd = i + 1;
                break;
            }
        }
        if (headerEnd < 0) {
            return 0;
        }
        String head = new String(bytes, 0, headerEnd, StandardCharsets.US_ASCII);
        int length = -1;
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
                length = Integer.parseInt(line.substring(colon + 1).trim());
            }
        }
        if (length < 0) {
            throw new IOException("an answer without Content-Length: " + head.lines().findFirst().orElse(""));
        }
        if (filled < headerEnd + length) {
            return 0;
        }
        return Integer.parseInt(head.substring(head.indexOf(' ') + 1, head.indexOf(' ') + 4));
    }
}
