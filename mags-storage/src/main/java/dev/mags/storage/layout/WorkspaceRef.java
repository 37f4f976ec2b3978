package dev.mags.storage.layout;

import dev.mags.storage.error.InvalidStorageArgumentException;
import java.util.regex.Pattern;

/**
 * A workspace of one user: names are per user, so two users may both have {@code myproject}. Both parts
 * become key segments in the bucket, hence the restricted alphabet.
 */
public record WorkspaceRef(String owner, String name) {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    public WorkspaceRef {
        check("owner", owner);
        check("workspace name", name);
    }

    public static WorkspaceRef of(String owner, String name) {
        return new WorkspaceRef(owner, name);
    }

    private static void check(String what, String value) {
        if (value == null || !SEGMENT.matcher(value).matches()) {
            throw new InvalidStorageArgumentException(what + " '" + value + "' is invalid: use 1 to 128 letters, digits,"
                    + " '.', '_' or '-', not starting with '.' or '-'");
        }
    }

    @Override
    public String toString() {
        return owner + "/" + name;
    }
}
