package dev.mags.controlplane.http;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * Undertow's HTTP/1.1 listener as {@code Undertow.start()} builds it (same threads, buffers and socket
 * options), with one addition its builder has no hook for: every accepted connection reads through a
 * {@link FoldGuardConduit}, so that folded header lines, which Undertow 2.4 accepts and joins without
 * an option to refuse them, can be refused.
 */
final class HttpListener implements AutoCloseable {
    private static final long STOP_MILLIS = 10_000;
    private final XnioWorker worker;
    private final AcceptingChannel<? extends StreamConnection> server;

    private HttpListener(XnioWorker worker, AcceptingChannel<? extends StreamConnection> server) {
        this.worker = worker;
        this.server = server;
    }

    static HttpListener start(String host, int port, HttpHandler root, OptionMap serverOptions) {
        return start(host, port, root, serverOptions, null);
    }

    /** A listener that serves TLS from {@code tls} when it is not null. */
    static HttpListener start(String host, int port, HttpHandler root, OptionMap serverOptions, SSLContext tls) {
        int ioThreads = Math.max(Runtime.getRuntime().availableProcessors(), 2);
        XnioWorker worker = null;
        try {
            worker = Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
                    .set(Options.WORKER_IO_THREADS, ioThreads)
                    .set(Options.CONNECTION_HIGH_WATER, 1_000_000)
                    .set(Options.CONNECTION_LOW_WATER, 1_000_000)
                    .set(Options.WORKER_TASK_CORE_THREADS, ioThreads * 8)
                    .set(Options.WORKER_TASK_MAX_THREADS, ioThreads * 8)
                    .set(Options.TCP_NODELAY, true)
                    .set(Options.CORK, true)
                    .getMap());
            OptionMap socketOptions = OptionMap.builder()
                    .set(Options.WORKER_IO_THREADS, worker.getIoThreadCount())
                    .set(Options.TCP_NODELAY, true)
                    .set(Options.REUSE_ADDRESSES, true)
                    .set(Options.BALANCING_TOKENS, 1)
                    .set(Options.BALANCING_CONNECTIONS, 2)
                    .set(Options.BACKLOG, 1000)
                    .getMap();
            HttpOpenListener http = new HttpOpenListener(new DefaultByteBufferPool(true, 16 * 1024 - 20, -1, 4),
                    OptionMap.builder()
                            .set(UndertowOptions.BUFFER_PIPELINED_DATA, true)
                            .set(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
                            .addAll(serverOptions)
                            .getMap());
            http.setRootHandler(root);
            ChannelListener<StreamConnection> guarded = connection -> {
                connection.getSourceChannel().setConduit(new FoldGuardConduit(connection.getSourceChannel().getConduit()));
                http.handleEvent(connection);
            };
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(host), port);
            AcceptingChannel<? extends StreamConnection> server = tls == null
                    ? worker.createStreamConnectionServer(address, ChannelListeners.openListenerAdapter(guarded), socketOptions)
                    : new UndertowXnioSsl(worker.getXnio(), OptionMap.EMPTY, tls).createSslConnectionServer(worker, address,
                            ChannelListeners.<org.xnio.ssl.SslConnection>openListenerAdapter(guarded), socketOptions);
            server.resumeAccepts();
            return new HttpListener(worker, server);
        } catch (IOException e) {
            if (worker != null) {
                worker.shutdownNow();
            }
            throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
        }
    }

    int port() {
        return server.getLocalAddress(InetSocketAddress.class).getPort();
    }

    /** Stops accepting, then stops the threads, waiting a bounded time for requests under way. */
    @Override
    public void close() {
        IoUtils.safeClose(server);
        worker.shutdown();
        try {
            if (!worker.awaitTermination(STOP_MILLIS, TimeUnit.MILLISECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
