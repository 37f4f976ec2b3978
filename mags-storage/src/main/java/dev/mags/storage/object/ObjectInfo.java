package dev.mags.storage.object;

import java.time.Instant;
import java.util.Objects;

/** One object in a listing or a HEAD answer; {@code lastModified} is the store's clock, not ours. */
public record ObjectInfo(String key, long size, Instant lastModified) {
    public ObjectInfo {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(lastModified, "lastModified");
    }
}
