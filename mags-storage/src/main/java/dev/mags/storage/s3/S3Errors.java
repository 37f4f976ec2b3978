package dev.mags.storage.s3;

import dev.mags.storage.error.NotFoundException;
import dev.mags.storage.error.StorageException;
import dev.mags.storage.error.StoreRejectedException;
import dev.mags.storage.error.StoreUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** Turns AWS SDK failures into storage exceptions whose messages say what was attempted, where, and why it failed. */
final class S3Errors {
    private S3Errors() {}

    static StorageException translate(RuntimeException e, String action, String endpoint) {
        if (e instanceof StorageException se) {
            return se;
        }
        if (e instanceof AwsServiceException service) {
            int status = service.statusCode();
            String code = service.awsErrorDetails() == null ? "" : service.awsErrorDetails().errorCode();
            String what = "S3 at " + endpoint + " answered " + status + (code == null || code.isEmpty() ? "" : " " + code)
                    + " while " + action;
            if (status == 404) {
                return new NotFoundException(what, e);
            }
            if (status >= 500) {
                return new StoreUnavailableException(what, e);
            }
            return new StoreRejectedException(what, e);
        }
        if (e instanceof SdkClientException || e instanceof SdkException || e instanceof UncheckedIOException) {
            return new StoreUnavailableException("S3 unreachable at " + endpoint + " while " + action + ": " + rootMessage(e), e);
        }
        return new StoreRejectedException("unexpected failure talking to S3 at " + endpoint + " while " + action + ": " + e, e);
    }

    static StorageException translate(IOException e, String action, String endpoint) {
        return new StoreUnavailableException("S3 unreachable at " + endpoint + " while " + action + ": " + rootMessage(e), e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
