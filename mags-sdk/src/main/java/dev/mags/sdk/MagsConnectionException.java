package dev.mags.sdk;

/**
 * The server could not be reached or the connection failed before an answer arrived (also: the
 * live output stream could not be resumed, or the calling thread was interrupted). The message
 * names the URL that was tried.
 */
public final class MagsConnectionException extends MagsException {
    public static final String CODE = "connection_failed";

    public MagsConnectionException(String message, Throwable cause) {
        super(CODE, message, cause);
    }
}
