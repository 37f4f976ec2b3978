package dev.mags.controlplane.http;

import dev.mags.controlplane.error.BadRequestException;
import io.undertow.server.AbstractServerConnection;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.List;

/**
 * Refuses, before any route, requests whose headers could be read two ways: a header folded onto a
 * second line (obs-fold, RFC 9112 section 5.2), a second Authorization, Content-Type, Content-Length,
 * Transfer-Encoding or Host, and Content-Length together with Transfer-Encoding. Each gets a 400 naming
 * the header, and the connection is closed after it: what follows on it cannot be framed with certainty.
 */
final class RequestChecks implements HttpHandler {
    private static final List<HttpString> SINGLE = List.of(Headers.AUTHORIZATION, Headers.CONTENT_TYPE,
            Headers.CONTENT_LENGTH, Headers.TRANSFER_ENCODING, Headers.HOST);

    private final HttpHandler next;

    RequestChecks(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        try {
            check(ex);
        } catch (BadRequestException e) {
            ex.setPersistent(false);
            throw e;
        }
        next.handleRequest(ex);
    }

    private static void check(HttpServerExchange ex) {
        if (ex.getConnection() instanceof AbstractServerConnection c
                && c.getOriginalSourceConduit() instanceof FoldGuardConduit guard) {
            String folded = guard.nextRequestFold();
            if (folded != null) {
                throw new BadRequestException("invalid_header", (folded.isEmpty() ? "a header" : "header '" + folded + "'")
                        + " continues on a folded line (a line starting with a space or tab, obs-fold); send each "
                        + "header on one line");
            }
        }
        for (HttpString name : SINGLE) {
            HeaderValues values = ex.getRequestHeaders().get(name);
            if (values != null && values.size() > 1) {
                throw duplicate(name);
            }
        }
        if (ex.getRequestHeaders().contains(Headers.CONTENT_LENGTH) && ex.getRequestHeaders().contains(Headers.TRANSFER_ENCODING)) {
            throw new BadRequestException("invalid_header", "a request may have Content-Length or Transfer-Encoding, not "
                    + "both; send one of them");
        }
    }

    static BadRequestException duplicate(HttpString name) {
        return new BadRequestException("duplicate_header", "header '" + name + "' appears more than once; send it once");
    }
}
