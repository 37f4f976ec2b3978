package dev.mags.controlplane.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.controlplane.auth.Principal;
import dev.mags.controlplane.auth.TokenService;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;

/**
 * Wraps route handlers so that they run on a worker thread, for an authenticated caller only. A request
 * with two Authorization headers is refused, never decided by the first.
 */
final class Authenticator {
    private final TokenService tokens;
    private final ObjectMapper json;

    Authenticator(TokenService tokens, ObjectMapper json) {
        this.tokens = tokens;
        this.json = json;
    }

    HttpHandler blocking(AuthedHandler handler) {
        HttpHandler authed = ex -> {
            Principal who = tokens.authenticate(Exchanges.singleHeader(ex, Headers.AUTHORIZATION));
            handler.handle(ex, who);
        };
        return new BlockingHandler(new ErrorMapper(authed, json));
    }
}
