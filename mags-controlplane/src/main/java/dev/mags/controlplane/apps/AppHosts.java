package dev.mags.controlplane.apps;

import java.util.Locale;
import java.util.Optional;

/**
 * Which requests are for public URLs: a Host of one label under the apps domain ({@code <sub>.<domain>}, with
 * or without a port). Everything else is the API's.
 */
public final class AppHosts {
    private final String suffix;

    public AppHosts(String domain) {
        this.suffix = "." + domain.toLowerCase(Locale.ROOT);
    }

    /** The subdomain a Host header names, if it is one of ours. */
    public Optional<String> subdomain(String hostHeader) {
        if (hostHeader == null) {
            return Optional.empty();
        }
        String host = hostHeader.toLowerCase(Locale.ROOT);
        int colon = host.lastIndexOf(':');
        if (colon >= 0 && host.indexOf(']') < colon) {
            host = host.substring(0, colon);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (!host.endsWith(suffix)) {
            return Optional.empty();
        }
        String sub = host.substring(0, host.length() - suffix.length());
        return sub.isEmpty() || sub.contains(".") ? Optional.empty() : Optional.of(sub);
    }
}
