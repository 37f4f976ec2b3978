package dev.mags.protocol.v2;

import java.util.Objects;

/**
 * A workspace's key on an agent: the control plane derives it from the owner and the workspace's name (so
 * names stay per user); the agent only uses it as a directory name.
 */
public record WorkspaceKey(String value) {
    private static final java.util.regex.Pattern VALID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    public WorkspaceKey {
        Objects.requireNonNull(value, "value");
        if (!VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("workspace key '" + value + "' is not 1 to 128 characters of [A-Za-z0-9_.-]"
                    + " starting with a letter or digit");
        }
    }

    public static WorkspaceKey of(String value) {
        return new WorkspaceKey(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
