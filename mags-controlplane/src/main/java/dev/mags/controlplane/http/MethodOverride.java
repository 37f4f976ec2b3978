package dev.mags.controlplane.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;

/**
 * Serves {@code POST} with {@code X-HTTP-Method-Override: PATCH} as {@code PATCH}, for clients whose HTTP
 * stack cannot send PATCH (Java's {@code HttpURLConnection}, which the SDK uses). No other method can be
 * reached this way.
 */
final class MethodOverride implements HttpHandler {
    static final HttpString HEADER = new HttpString("X-HTTP-Method-Override");

    private final HttpHandler next;

    MethodOverride(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        String override = Exchanges.singleHeader(ex, HEADER);
        if (override != null && Methods.POST.equals(ex.getRequestMethod())
                && override.equalsIgnoreCase(Methods.PATCH_STRING)) {
            ex.setRequestMethod(Methods.PATCH);
        }
        next.handleRequest(ex);
    }
}
