package dev.mags.controlplane.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.controlplane.auth.Principal;
import dev.mags.controlplane.error.BadRequestException;
import dev.mags.controlplane.exec.ExecRequests;
import dev.mags.controlplane.exec.ExecSession;
import dev.mags.controlplane.exec.ExecSessions;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.spi.WebSocketHttpExchange;
import java.util.Locale;

/**
 * {@code GET /api/v1/mags-jobs/{id}/exec} with a WebSocket upgrade: the caller is authenticated and the sandbox
 * found before the upgrade, so that a bad token or an unknown name is an ordinary JSON error; then
 * {@link ExecSocket} runs the interactive exec on the socket.
 */
final class ExecSocketRoute {
    private static final AttachmentKey<ExecSession> SESSION = AttachmentKey.create(ExecSession.class);

    private final ExecSessions sessions;
    private final ExecRequests requests;
    private final ObjectMapper json;
    private final WebSocketProtocolHandshakeHandler handshake;

    ExecSocketRoute(ExecSessions sessions, ExecRequests requests, ObjectMapper json) {
        this.sessions = sessions;
        this.requests = requests;
        this.json = json;
        this.handshake = new WebSocketProtocolHandshakeHandler(this::connected, ex -> {
            throw notAWebSocket();
        });
    }

    void upgrade(HttpServerExchange ex, Principal who) throws Exception {
        String upgrade = ex.getRequestHeaders().getFirst(Headers.UPGRADE);
        if (upgrade == null || !upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
            throw notAWebSocket();
        }
        ExecSession session = sessions.open(who.userId(), Exchanges.pathParam(ex, "id"));
        ex.putAttachment(SESSION, session);
        ex.addExchangeCompleteListener((done, next) -> {
            if (done.getStatusCode() != StatusCodes.SWITCHING_PROTOCOLS) {
                session.close();
            }
            next.proceed();
        });
        handshake.handleRequest(ex);
    }

    private void connected(WebSocketHttpExchange exchange, WebSocketChannel channel) {
        new ExecSocket(channel, exchange.getAttachment(SESSION), requests, sessions.limits(), json).start();
    }

    private static BadRequestException notAWebSocket() {
        return new BadRequestException("websocket_required", "GET .../exec opens a WebSocket (send Connection:"
                + " Upgrade, Upgrade: websocket, Sec-WebSocket-Version: 13 and a Sec-WebSocket-Key); to run a"
                + " command without one, POST it to the same path");
    }
}
