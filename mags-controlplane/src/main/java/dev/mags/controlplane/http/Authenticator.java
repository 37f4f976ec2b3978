package dev.mags.controlplane.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.controlplane.auth.Principal;
import dev.mags.controlplane.auth.TokenService;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import java.util.concurrent.Executor;

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

    /**
     * Like {@link #blocking}, but on a thread of {@code executor} rather than one of the server's few workers: for
     * routes that hold their thread for as long as a command runs (exec), which must not starve the others.
     */
    HttpHandler ownThread(AuthedHandler handler, Executor executor) {
        HttpHandler mapped = new ErrorMapper(ex -> {
            Principal who = tokens.authenticate(Exchanges.singleHeader(ex, Headers.AUTHORIZATION));
            handler.handle(ex, who);
        }, json);
        return ex -> {
            ex.startBlocking();
            ex.dispatch(executor, mapped);
        };
    }
}
