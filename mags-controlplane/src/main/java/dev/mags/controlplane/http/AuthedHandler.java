package dev.mags.controlplane.http;

import dev.mags.controlplane.auth.Principal;
import io.undertow.server.HttpServerExchange;

/** A route handler that runs only for an authenticated caller. */
@FunctionalInterface
interface AuthedHandler {
    void handle(HttpServerExchange exchange, Principal principal) throws Exception;
}
