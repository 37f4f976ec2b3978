package dev.mags.controlplane.apps;

import dev.mags.protocol.v2.Sandbox;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.util.AttachmentKey;
import java.io.InputStream;
import java.net.Socket;
import org.xnio.IoUtils;

/**
 * The connection to an app kept for the next request of the same visitor's connection (HTTP keep-alive on both
 * sides, without a connection into the sandbox per request). It belongs to that visitor's connection alone, so
 * nothing of one visitor's exchange reaches another's, and it closes when that connection closes.
 */
final class AppConnections {
    /** An open connection to a sandbox's port, and the buffered stream its answers are read from. */
    record Kept(Sandbox sandbox, int port, Socket socket, InputStream in) {
        void close() {
            IoUtils.safeClose(socket);
        }
    }

    private static final AttachmentKey<Kept> KEPT = AttachmentKey.create(Kept.class);
    private static final AttachmentKey<Boolean> WATCHED = AttachmentKey.create(Boolean.class);

    private AppConnections() {}

    /** The visitor's kept connection to this sandbox's port, taken from it; null when there is none. */
    static Kept take(HttpServerExchange ex, Sandbox sandbox, int port) {
        Kept k = ex.getConnection().removeAttachment(KEPT);
        if (k == null) {
            return null;
        }
        if (k.sandbox() == sandbox && k.port() == port && !k.socket().isClosed()) {
            return k;
        }
        k.close(); // another app's, or a sandbox that has been replaced
        return null;
    }

    /** Keeps {@code k} for the visitor's next request; closes it with the visitor's connection. */
    static void keep(HttpServerExchange ex, Kept k) {
        ServerConnection c = ex.getConnection();
        if (c.putAttachment(WATCHED, Boolean.TRUE) == null) {
            c.addCloseListener(closed -> {
                Kept left = closed.removeAttachment(KEPT);
                if (left != null) {
                    left.close();
                }
            });
        }
        Kept old = c.putAttachment(KEPT, k);
        if (old != null) {
            old.close();
        }
        if (!c.isOpen()) {
            Kept left = c.removeAttachment(KEPT);
            if (left != null) {
                left.close();
            }
        }
    }
}
