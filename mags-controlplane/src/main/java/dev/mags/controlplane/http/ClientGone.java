package dev.mags.controlplane.http;

import io.undertow.server.AbstractServerConnection;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xnio.channels.StreamSourceChannel;

/**
 * Tells when the client of a long answer went away although nothing is being written to it (an exec that runs
 * quietly): once the request body has been read, the connection's read side is watched, and its end of file
 * (or a reset) means the client closed it. The exchange must not be persistent: bytes a client sends after its
 * request are read and dropped, as nothing else will be read on that connection.
 */
final class ClientGone {
    private ClientGone() {}

    static void watch(HttpServerExchange ex, Runnable gone) {
        ex.setPersistent(false);
        AtomicBoolean once = new AtomicBoolean();
        if (!(ex.getConnection() instanceof AbstractServerConnection connection)) {
            return; // HTTP/1.1 only: another protocol's connection would not end with this request
        }
        StreamSourceChannel source = connection.getChannel().getSourceChannel();
        ByteBuffer sink = ByteBuffer.allocate(512);
        source.getReadSetter().set(channel -> {
            try {
                int n;
                do {
                    sink.clear();
                    n = channel.read(sink);
                } while (n > 0);
                if (n < 0) {
                    channel.suspendReads();
                    fire(once, gone);
                }
            } catch (IOException e) {
                channel.suspendReads();
                fire(once, gone);
            }
        });
        source.resumeReads();
    }

    private static void fire(AtomicBoolean once, Runnable gone) {
        if (once.compareAndSet(false, true)) {
            gone.run();
        }
    }
}
