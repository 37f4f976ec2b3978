package dev.mags.controlplane.workspace;

import dev.mags.controlplane.error.BadRequestException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A workspace's name as its owner gives it: 1 to 64 characters {@code [A-Za-z0-9][A-Za-z0-9_.-]*}. */
public record WorkspaceName(String value) {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public WorkspaceName {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new BadRequestException("invalid_field", "'workspace_id' must be 1 to 64 characters of letters, digits, "
                    + "'_', '.' and '-', starting with a letter or digit (got " + (value == null ? "null" : "\"" + value + "\"")
                    + ")");
        }
    }

    /** The key of {@code userId}'s workspace of this name on the agent: the same for each, and distinct between users. */
    public String agentKey(String userId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((userId + "\0" + value).getBytes(StandardCharsets.UTF_8));
            return "ws-" + HexFormat.of().formatHex(digest, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
