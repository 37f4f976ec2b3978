package dev.mags.controlplane.apps;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;

/** The pages the proxy answers itself: plain, escaped, no script, saying what happened and what to do. */
final class AppPages {
    private AppPages() {}

    static void send(HttpServerExchange ex, int status, String title, String message) {
        if (ex.isResponseStarted()) {
            org.xnio.IoUtils.safeClose(ex.getConnection()); // the app's answer was under way: a cut connection is the only honest signal
            return;
        }
        String html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title>"
                + "<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:4em auto;color:#222}</style>"
                + "</head><body><h1>" + escape(title) + "</h1><p>" + escape(message) + "</p>"
                + "<p><small>mags</small></p></body></html>\n";
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
        ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        ex.getResponseHeaders().put(io.undertow.util.HttpString.tryFromString("Content-Security-Policy"),
                "default-src 'none'; style-src 'unsafe-inline'");
        ex.getResponseHeaders().put(io.undertow.util.HttpString.tryFromString("X-Mags-Proxy-Error"), Integer.toString(status));
        ex.getResponseSender().send(html, StandardCharsets.UTF_8);
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
