package dev.mags.controlplane.http;

import io.undertow.server.AbstractServerConnection;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xnio.conduits.ReadReadyHandler;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Tells when the client of a long answer went away although nothing is being written to it (an exec that runs
 * quietly): once the request body has been read, the connection's socket is read beneath Undertow's request
 * conduits, and its end of file (or a reset) means the client closed it. The exchange must not be persistent:
 * bytes a client sends after its request are read and dropped, as nothing else will be read on that connection.
 */
final class ClientGone {
    private ClientGone() {}

    static void watch(HttpServerExchange ex, Runnable gone) {
        ex.setPersistent(false);
        if (!(ex.getConnection() instanceof AbstractServerConnection connection)) {
            return; // HTTP/1.1 only: another protocol's connection would not end with this request
        }
        StreamSourceConduit socket = connection.getOriginalSourceConduit();
        AtomicBoolean once = new AtomicBoolean();
        Runnable fire = () -> {
            if (once.compareAndSet(false, true)) {
                gone.run();
            }
        };
        ByteBuffer sink = ByteBuffer.allocate(512);
        socket.setReadReadyHandler(new ReadReadyHandler() {
            @Override
            public void readReady() {
                try {
                    int n;
                    do {
                        sink.clear();
                        n = socket.read(sink);
                    } while (n > 0);
                    if (n < 0) {
                        socket.suspendReads();
                        fire.run();
                    }
                } catch (IOException e) {
                    socket.suspendReads();
                    fire.run();
                }
            }

            @Override
            public void forceTermination() {
                fire.run();
            }

            @Override
            public void terminated() {
                fire.run();
            }
        });
        socket.resumeReads();
    }
}
