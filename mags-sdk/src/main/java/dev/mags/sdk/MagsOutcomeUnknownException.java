package dev.mags.sdk;

/**
 * A request that changes something (a POST or DELETE) reached the server, or may have, but no answer came
 * back: the connection broke or the server stopped before it answered. Whether the server carried the
 * request out is not known; look before repeating it (for a sync: {@link Mags#listWorkspaces()} shows each
 * workspace's last sync, and syncing an unchanged workspace again is quick and makes no new snapshot).
 */
public final class MagsOutcomeUnknownException extends MagsException {
    public static final String CODE = "outcome_unknown";

    public MagsOutcomeUnknownException(String message, Throwable cause) {
        super(CODE, message, cause);
    }
}
