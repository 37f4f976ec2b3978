package dev.mags.controlplane.error;

/**
 * The control plane's domain errors. Each carries a machine-readable code; the HTTP edge maps the
 * subtype to a status in one place ({@code ErrorMapper}).
 */
public abstract sealed class MagsException extends RuntimeException
        permits BadRequestException, UnauthorizedException, NotFoundException, ConflictException,
                UnavailableException, TooManyRequestsException, InsufficientStorageException,
                PayloadTooLargeException, ForbiddenException {
    private static final long serialVersionUID = 1L;
    private final String code;

    protected MagsException(String code, String message) {
        super(message);
        this.code = code;
    }

    protected MagsException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
