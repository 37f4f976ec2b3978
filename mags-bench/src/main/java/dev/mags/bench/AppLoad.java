package dev.mags.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;

/**
 * The load generator of {@code proxy_rps} and {@code direct_rps}, built as {@link GetLoad} is (one thread
 * multiplexing the connections, so that the figure measures the servers and not the client's threads) but for a
 * web app: each connection sends the same GET as soon as the previous answer has ended, kept alive while the
 * server allows and dialled again when it closes (busybox httpd closes after every answer; the proxy's own
 * listener keeps connections). An answer counts when it is 200 with the expected body.
 */
final class AppLoad {
    /** Answers counted: right, and wrong or cut. */
    record Counts(long ok, long failed) {}

    private static final class Connection {
        final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        SocketChannel channel;
        ByteBuffer out;
    }

    private final AppGet.Dial dial;
    private final byte[] request;
    private final byte[] expected;

    AppLoad(AppGet.Dial dial, String host, String path, byte[] expected) {
        this.dial = dial;
        this.request = AppAnswer.request(host, path);
        this.expected = expected.clone();
    }

    Counts run(int connections, Duration duration) throws IOException {
        long ok = 0;
        long failed = 0;
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < connections; i++) {
                open(selector, new Connection());
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
                        continue;
                    }
                    int n = c.channel.read(c.in);
                    AppAnswer a = n < 0 ? null : AppAnswer.parse(c.in.array(), c.in.position());
                    if (n < 0 || a != null && a.close()) {
                        if (a != null) {
                            ok += right(a) ? 1 : 0;
                            failed += right(a) ? 0 : 1;
                        } else if (c.in.position() > 0) {
                            failed++; // closed in the middle of an answer
                        }
                        key.cancel();
                        c.channel.close();
                        open(selector, c);
                    } else if (a != null) {
                        ok += right(a) ? 1 : 0;
                        failed += right(a) ? 0 : 1;
                        send(key, c);
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

    private boolean right(AppAnswer a) {
        return a.status() == 200 && Arrays.equals(a.body(), expected);
    }

    /** A new connection for {@code c}, its request ready to be written. */
    private void open(Selector selector, Connection c) throws IOException {
        c.channel = dial.open();
        c.channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        c.channel.configureBlocking(false);
        c.in.clear();
        c.out = ByteBuffer.wrap(request);
        c.channel.register(selector, SelectionKey.OP_WRITE, c);
    }

    private void send(SelectionKey key, Connection c) throws IOException {
        c.in.clear();
        c.out = ByteBuffer.wrap(request);
        c.channel.write(c.out);
        key.interestOps(c.out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }
}
