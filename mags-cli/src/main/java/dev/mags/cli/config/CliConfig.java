package dev.mags.cli.config;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where the CLI talks to and with which token. The environment ({@code MAGS_API_URL},
 * {@code MAGS_API_TOKEN}) wins over {@code ~/.mags/config.json}; the URL defaults to
 * {@link #DEFAULT_URL}. The token may be {@code null} until a command needs it.
 */
public record CliConfig(URI apiUrl, String apiToken) {
    public static final URI DEFAULT_URL = URI.create("http://127.0.0.1:8080");
    public static final String NO_TOKEN = "no API token; run 'mags login' or set MAGS_API_TOKEN";

    public static CliConfig resolve(CliEnvironment env, SavedConfig saved) {
        return new CliConfig(resolveUrl(env, saved), env.apiToken() != null ? env.apiToken() : saved.apiToken());
    }

    public static URI resolveUrl(CliEnvironment env, SavedConfig saved) {
        if (env.apiUrl() != null) {
            return parseUrl(env.apiUrl(), CliEnvironment.API_URL);
        }
        if (saved.apiUrl() != null) {
            return parseUrl(saved.apiUrl(), "~/.mags/config.json");
        }
        return DEFAULT_URL;
    }

    /** The token, or a {@link ConfigException} telling how to get one. */
    public String requireToken() {
        if (apiToken == null) {
            throw new ConfigException(NO_TOKEN);
        }
        return apiToken;
    }

    /** An http(s) URL with a host, without a trailing slash; {@code source} names where it came from. */
    public static URI parseUrl(String value, String source) {
        try {
            URI uri = new URI(value.strip());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigException("invalid API URL '" + value + "' (from " + source
                        + "): expected http://HOST:PORT or https://HOST");
            }
            String text = uri.toString();
            return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (URISyntaxException e) {
            throw new ConfigException("invalid API URL '" + value + "' (from " + source + "): " + e.getReason(), e);
        }
    }
}
