package dev.mags.protocol.v2;

import java.util.Objects;

/**
 * A workspace's identity in workspace storage (S3): its owner and its name. Names are per owner, so
 * two users may both have {@code myproject}. Both parts are key segments in the bucket.
 *
 * @param owner the user id
 * @param name  the workspace's name as the user gave it
 */
public record StoredWorkspace(String owner, String name) {
    public StoredWorkspace {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
        return owner + "/" + name;
    }
}
