package dev.mags.sdk;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Job ids as path segments: checked and percent-encoded so that an id cannot change the path. */
final class Ids {
    private Ids() {}

    static String segment(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("job id must not be blank");
        }
        if (id.equals(".") || id.equals("..")) {
            throw new IllegalArgumentException("invalid job id '" + id + "'");
        }
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
