package dev.mags.controlplane.ssh.session;

import dev.mags.protocol.v2.PtySize;
import java.io.IOException;
import java.util.Map;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.PtyMode;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.channel.ChannelSession;

/**
 * A session channel that records whether the client asked for a terminal, and its size, and takes only the
 * locale from the client's environment (as Debian's sshd with {@code AcceptEnv LANG LC_*}): anything else a
 * client sends, such as PATH or LD_PRELOAD, never reaches the sandbox.
 */
public final class GatewayChannel extends ChannelSession {
    private static final AttributeKey<PtySize> PTY = new AttributeKey<>();
    /** Clients that cannot tell their size send 0; a terminal then gets the classic size. */
    private static final PtySize DEFAULT_SIZE = new PtySize(80, 24);

    /** Makes these channels for the SSH server. */
    public static final ChannelFactory FACTORY = new ChannelFactory() {
        @Override
        public String getName() {
            return "session";
        }

        @Override
        public Channel createChannel(Session session) {
            return new GatewayChannel();
        }
    };

    /** The terminal the client asked for on this channel, or null when it asked for none. */
    public static PtySize pty(ChannelSession channel) {
        return channel.getAttribute(PTY);
    }

    static boolean acceptedVariable(String name) {
        return name.equals("LANG") || (name.startsWith("LC_") && name.matches("LC_[A-Z]+"));
    }

    @Override
    protected RequestHandler.Result handlePtyReqParsed(String term, int columns, int rows, int width, int height,
            Map<PtyMode, Integer> modes) throws IOException {
        setAttribute(PTY, size(columns, rows, DEFAULT_SIZE));
        return super.handlePtyReqParsed(term, columns, rows, width, height, modes);
    }

    @Override
    protected RequestHandler.Result handleWindowChangeParsed(int columns, int rows, int width, int height)
            throws IOException {
        PtySize now = getAttribute(PTY);
        if (now != null) {
            setAttribute(PTY, size(columns, rows, now));
        }
        return super.handleWindowChangeParsed(columns, rows, width, height);
    }

    @Override
    protected RequestHandler.Result handleEnvParsed(String name, String value) throws IOException {
        if (!acceptedVariable(name) || value.indexOf('\0') >= 0) {
            return RequestHandler.Result.ReplyFailure;
        }
        return super.handleEnvParsed(name, value);
    }

    private static PtySize size(int columns, int rows, PtySize fallback) {
        if (columns < 1 || rows < 1 || columns > 10_000 || rows > 10_000) {
            return fallback;
        }
        return new PtySize(columns, rows);
    }
}
