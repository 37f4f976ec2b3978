package dev.mags.controlplane.apps;

import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.streams.ChannelInputStream;
import org.xnio.streams.ChannelOutputStream;

/**
 * An upgraded connection (a WebSocket) between a visitor and a sandbox's server: once the app has answered 101,
 * the visitor gets that answer and from then on bytes flow both ways, each way on a thread of its own, until
 * either side closes. Frames are not looked into: the app speaks WebSocket with the visitor, not with us.
 */
final class WebSocketRelay {
    private WebSocketRelay() {}

    /**
     * Answers the visitor 101 with the app's headers and starts the two pumps; {@code done} runs once both have
     * ended and both connections are closed.
     */
    static void start(HttpServerExchange ex, Socket app, HttpRelay.Answer answer, Executor threads, Runnable done) {
        ex.setStatusCode(101);
        HttpRelay.copyHeaders(answer.head(), ex);
        answer.head().header("Upgrade").ifPresent(u -> ex.getResponseHeaders().put(io.undertow.util.Headers.UPGRADE, u));
        ex.upgradeChannel((StreamConnection visitor, HttpServerExchange upgraded) -> {
            AtomicInteger running = new AtomicInteger(2);
            Runnable oneEnded = () -> {
                if (running.decrementAndGet() == 0) {
                    IoUtils.safeClose(app);
                    IoUtils.safeClose(visitor);
                    done.run();
                }
            };
            threads.execute(() -> pump(answer.body(), new ChannelOutputStream(visitor.getSinkChannel()), () -> {
                IoUtils.safeClose(visitor.getSinkChannel());
            }, oneEnded, app, visitor));
            threads.execute(() -> pump(new ChannelInputStream(visitor.getSourceChannel()), outputOf(app), () -> {
                try {
                    app.shutdownOutput();
                } catch (IOException ignored) {
                    // the app has gone: the other pump ends too
                }
            }, oneEnded, app, visitor));
        });
        ex.endExchange();
    }

    private static OutputStream outputOf(Socket app) {
        try {
            return app.getOutputStream();
        } catch (IOException e) {
            return OutputStream.nullOutputStream();
        }
    }

    /** Copies until the end of {@code in}, then half-closes; a failure either way closes both sides. */
    private static void pump(InputStream in, OutputStream out, Runnable halfClose, Runnable ended, Socket app,
            StreamConnection visitor) {
        byte[] buf = new byte[HttpRelay.BUFFER];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (n > 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            }
            halfClose.run();
        } catch (IOException e) {
            IoUtils.safeClose(app);
            IoUtils.safeClose(visitor);
        } finally {
            ended.run();
        }
    }
}
