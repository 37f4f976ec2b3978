package dev.mags.sdk;

/**
 * Something did not happen in time: the server did not answer a request within the request
 * timeout, or a job did not reach a final status within the time given to
 * {@link Mags#runAndWait(dev.mags.api.JobRequest, java.time.Duration)}.
 */
public final class MagsTimeoutException extends MagsException {
    public static final String CODE = "timeout";

    public MagsTimeoutException(String message, Throwable cause) {
        super(CODE, message, cause);
    }
}
