package dev.mags.controlplane.state;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Where a PostgreSQL state store is, as an operator writes it: either the JDBC form
 * {@code jdbc:postgresql://host:port/db?user=U&password=P} (handed to the driver as it is, so every driver
 * parameter works) or the libpq form {@code postgresql://U:P@host:port/db?params} (also {@code postgres://}),
 * which is turned into the JDBC form with the user and password kept apart. {@link #toString()} never shows
 * the password, so the URL can go into error messages and logs.
 *
 * @param jdbcUrl  the URL the driver gets (in the JDBC form, any password is in it)
 * @param user     the user of the libpq form's user info, null when the JDBC URL carries it (or none is needed)
 * @param password the password of the libpq form's user info, null likewise
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)([?&]password=)[^&]*");
    private static final String JDBC_PREFIX = "jdbc:postgresql:";

    /** Parses either form; a clear {@link IllegalArgumentException} for anything else. */
    public static DatabaseUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("the database URL is empty; give one of the form "
                    + "postgresql://USER:PASSWORD@HOST:PORT/DATABASE or jdbc:postgresql://HOST:PORT/DATABASE?user=USER&password=PASSWORD");
        }
        String u = url.strip();
        if (u.startsWith(JDBC_PREFIX)) {
            if (!u.startsWith(JDBC_PREFIX + "//")) {
                throw invalid(u, "a JDBC URL needs a host: jdbc:postgresql://HOST:PORT/DATABASE?user=USER&password=PASSWORD");
            }
            return new DatabaseUrl(u, null, null);
        }
        if (!u.startsWith("postgresql://") && !u.startsWith("postgres://")) {
            throw invalid(u, "mags stores its state in SQLite (the default, no URL) or PostgreSQL; the URL must start "
                    + "with postgresql:// or jdbc:postgresql://");
        }
        URI uri;
        try {
            uri = new URI(u);
        } catch (URISyntaxException e) {
            throw invalid(u, "it is not a URL (" + e.getReason() + "); percent-encode special characters of the "
                    + "password, e.g. @ as %40");
        }
        if (uri.getHost() == null) {
            throw invalid(u, "it names no host: postgresql://USER:PASSWORD@HOST:PORT/DATABASE");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.length() < 2) {
            throw invalid(u, "it names no database: postgresql://USER:PASSWORD@HOST:PORT/DATABASE");
        }
        String user = null;
        String password = null;
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost();
        String jdbc = JDBC_PREFIX + "//" + host + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + path
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new DatabaseUrl(jdbc, user, password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException invalid(String url, String why) {
        return new IllegalArgumentException("database URL " + redact(url) + ": " + why);
    }

    /** {@code url} with any password replaced by {@code ***}. */
    static String redact(String url) {
        String s = PASSWORD_PARAM.matcher(url).replaceAll("$1***");
        int scheme = s.indexOf("://");
        int at = s.indexOf('@', scheme + 3);
        int slash = s.indexOf('/', scheme + 3);
        if (scheme >= 0 && at > 0 && (slash < 0 || at < slash)) {
            int colon = s.indexOf(':', scheme + 3);
            if (colon > 0 && colon < at) {
                s = s.substring(0, colon + 1) + "***" + s.substring(at);
            }
        }
        return s;
    }

    /** The URL without its password, e.g. {@code jdbc:postgresql://db:5432/mags?user=mags&password=***}. */
    @Override
    public String toString() {
        return redact(jdbcUrl) + (user == null ? "" : " (user " + user + (password == null ? "" : ", password ***") + ")");
    }
}
