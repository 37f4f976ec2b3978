package dev.mags.sdk;

import dev.mags.api.ApiError;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;

/** Turns what went wrong on the wire into the SDK's exceptions, with messages naming the URL. */
final class Failures {
    private static final int MAX_BODY_IN_MESSAGE = 200;

    private final String baseUrl;
    private final WireJson json;

    Failures(String baseUrl, WireJson json) {
        this.baseUrl = baseUrl;
        this.json = json;
    }

    /** An error answer: code and message from the JSON error body, else derived from the status. */
    MagsApiException httpError(String method, URI uri, int status, String body) {
        ApiError.Detail detail = parseError(body);
        if (detail != null && detail.message() != null && !detail.message().isBlank()) {
            String code = detail.code() == null || detail.code().isBlank() ? "http_" + status : detail.code();
            return new MagsApiException(status, code, detail.message());
        }
        String text = body == null ? "" : body.strip();
        String suffix = text.isEmpty() ? "" : ": " + abbreviate(text.replaceAll("\\s+", " "));
        return new MagsApiException(status, "http_" + status, "HTTP " + status + " from " + method + " " + uri + suffix);
    }

    /**
     * A 401 whose body could not be read (a streamed request): the server answers every 401 with the code
     * {@code unauthorized}, for a token that is missing, unknown, revoked or of a disabled user.
     */
    MagsApiException refusedToken(String method, URI uri, int status) {
        if (status != 401) {
            return httpError(method, uri, status, "");
        }
        return new MagsApiException(401, "unauthorized", "the mags server at " + baseUrl + " refused the API token "
                + "(unknown, revoked, or its user is disabled); check MAGS_API_TOKEN or run 'mags login'");
    }

    MagsException ioFailure(String method, URI uri, IOException e, Duration timeout) {
        if (e instanceof java.net.SocketTimeoutException && String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT)
                .contains("connect")) {
            return new MagsConnectionException("cannot reach the mags server at " + baseUrl
                    + ": connection timed out", e);
        }
        if (e instanceof java.net.SocketTimeoutException) {
            String within = timeout == null ? "" : " within " + human(timeout);
            return new MagsTimeoutException("no answer from " + method + " " + uri + within, e);
        }
        if (isUnreachable(e)) {
            return new MagsConnectionException("cannot reach the mags server at " + baseUrl + ": " + detail(e), e);
        }
        return new MagsConnectionException(method + " " + uri + " failed: " + detail(e), e);
    }

    /**
     * A request that changes something failed after it may have reached the server: a lost answer, or a
     * timeout while the server may still be at it. The connection's own retry of a POST on a new
     * connection makes a lost answer look like a refused connection, so the phase decides, not the error.
     */
    MagsException unanswered(String method, URI uri, IOException e, Duration timeout) {
        if (e instanceof java.net.SocketTimeoutException) {
            String within = timeout == null ? "" : " within " + human(timeout);
            return new MagsTimeoutException("no answer from " + method + " " + uri + within
                    + "; the server may still carry it out", e);
        }
        return new MagsOutcomeUnknownException(method + " " + uri + " got no answer (the connection failed: "
                + detail(e) + "); the server may or may not have carried it out", e);
    }

    MagsConnectionException interrupted(String method, URI uri, InterruptedException e) {
        return new MagsConnectionException("interrupted while waiting for " + method + " " + uri, e);
    }

    private ApiError.Detail parseError(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            ApiError error = json.read(body, ApiError.class);
            return error == null ? null : error.error();
        } catch (IOException | RuntimeException notJson) {
            return null;
        }
    }

    private static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnresolvedAddressException
                    || t instanceof java.net.UnknownHostException || t instanceof java.net.NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }

    /** The first useful message in the cause chain; the JDK's ConnectException often has none. */
    static String detail(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return e instanceof ConnectException ? "connection refused" : e.getClass().getSimpleName();
    }

    static String human(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        return d.toMillisPart() == 0 || s >= 10 ? s + "s" : String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }

    private static String abbreviate(String s) {
        return s.length() <= MAX_BODY_IN_MESSAGE ? s : s.substring(0, MAX_BODY_IN_MESSAGE) + "…";
    }
}
