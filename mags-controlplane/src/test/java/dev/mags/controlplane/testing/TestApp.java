package dev.mags.controlplane.testing;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A web app as a sandbox might serve, on a loopback port: a page that tells what it was sent, a body counter,
 * a large download, server-sent events paced by the test, and a WebSocket echo.
 */
public final class TestApp implements AutoCloseable {
    private final Undertow server;
    /** Opened by the test to let the event stream send its second event. */
    public final CountDownLatch secondEvent = new CountDownLatch(1);

    public TestApp() {
        server = Undertow.builder().addHttpListener(0, "127.0.0.1")
                .setServerOption(io.undertow.UndertowOptions.MAX_ENTITY_SIZE, -1L)
                .setHandler(Handlers.path()
                        .addExactPath("/ws", Handlers.websocket((exchange, channel) -> {
                            channel.getReceiveSetter().set(new AbstractReceiveListener() {
                                @Override
                                protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage m) {
                                    WebSockets.sendText("echo: " + m.getData(), ch, null);
                                }
                            });
                            channel.resumeReceives();
                        }))
                        .addPrefixPath("/", new BlockingHandler(this::handle)))
                .build();
        server.start();
    }

    public int port() {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    private void handle(HttpServerExchange ex) throws IOException, InterruptedException {
        switch (ex.getRequestPath()) {
            case "/peer" -> ex.getResponseSender().send("peer port " + ex.getSourceAddress().getPort());
            case "/count" -> {
                long n = 0;
                byte[] buf = new byte[64 * 1024];
                InputStream in = ex.getInputStream();
                for (int r; (r = in.read(buf)) >= 0; ) {
                    n += r;
                }
                ex.getResponseSender().send("received " + n + " bytes");
            }
            case "/big" -> {
                long n = Long.parseLong(ex.getQueryParameters().get("n").getFirst());
                ex.setResponseContentLength(n);
                OutputStream out = ex.getOutputStream();
                byte[] buf = new byte[64 * 1024];
                java.util.Arrays.fill(buf, (byte) 'x');
                for (long left = n; left > 0; left -= buf.length) {
                    out.write(buf, 0, (int) Math.min(buf.length, left));
                }
                out.close();
            }
            case "/sse" -> {
                ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/event-stream");
                OutputStream out = ex.getOutputStream();
                out.write("data: one\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (!secondEvent.await(30, TimeUnit.SECONDS)) {
                    throw new IOException("the test never asked for the second event");
                }
                out.write("data: two\n\n".getBytes(StandardCharsets.UTF_8));
                out.close();
            }
            default -> ex.getResponseSender().send("hello from the app; path=" + ex.getRequestPath() + "?"
                    + ex.getQueryString() + "; host=" + ex.getRequestHeaders().getFirst("X-Forwarded-Host")
                    + "; for=" + ex.getRequestHeaders().getFirst("X-Forwarded-For")
                    + "; proto=" + ex.getRequestHeaders().getFirst("X-Forwarded-Proto")
                    + "; secret=" + ex.getRequestHeaders().getFirst("Proxy-Authorization"));
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
