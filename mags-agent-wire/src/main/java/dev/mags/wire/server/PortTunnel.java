package dev.mags.wire.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.StreamConnection;
import org.xnio.streams.ChannelInputStream;
import org.xnio.streams.ChannelOutputStream;

/**
 * An upgraded connection joined to a connection into a sandbox's port, byte for byte both ways. An end of input
 * on one side is passed on as a half-close to the other; the tunnel closes when both directions are done.
 */
final class PortTunnel {
    private static final Logger LOG = LoggerFactory.getLogger(PortTunnel.class);

    private PortTunnel() {}

    static void join(StreamConnection client, Socket sandbox) {
        InputStream fromClient = new ChannelInputStream(client.getSourceChannel());
        OutputStream toClient = new ChannelOutputStream(client.getSinkChannel());
        Thread up = Thread.ofVirtual().name("agent-port-up").start(() -> {
            try (fromClient) {
                fromClient.transferTo(sandbox.getOutputStream());
                sandbox.shutdownOutput();
            } catch (IOException e) {
                LOG.debug("port tunnel: client to sandbox ended", e);
                closeQuietly(sandbox);
            }
        });
        Thread.ofVirtual().name("agent-port-down").start(() -> {
            try (toClient) {
                transfer(sandbox.getInputStream(), toClient);
            } catch (IOException e) {
                LOG.debug("port tunnel: sandbox to client ended", e);
            } finally {
                try {
                    up.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                closeQuietly(sandbox);
                closeQuietly(client);
            }
        });
    }

    /** Copies with a flush per read: a tunnel must not hold back a small answer while it waits for more. */
    private static void transfer(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            out.write(buffer, 0, n);
            out.flush();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing {}", c, e);
        }
    }
}
