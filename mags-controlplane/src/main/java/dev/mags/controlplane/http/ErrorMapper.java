package dev.mags.controlplane.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.api.ApiError;
import dev.mags.controlplane.error.BadRequestException;
import dev.mags.controlplane.error.ConflictException;
import dev.mags.controlplane.error.ForbiddenException;
import dev.mags.controlplane.error.MagsException;
import dev.mags.controlplane.error.NotFoundException;
import dev.mags.controlplane.error.UnauthorizedException;
import dev.mags.controlplane.error.InsufficientStorageException;
import dev.mags.controlplane.error.PayloadTooLargeException;
import dev.mags.controlplane.error.TooManyRequestsException;
import dev.mags.controlplane.error.UnavailableException;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where exceptions become HTTP statuses and the JSON error shape. */
final class ErrorMapper implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);
    private final HttpHandler next;
    private final ObjectMapper json;

    ErrorMapper(HttpHandler next, ObjectMapper json) {
        this.next = next;
        this.json = json;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) {
        try {
            next.handleRequest(ex);
        } catch (Throwable t) {
            if (ex.isResponseStarted()) {
                LOG.warn("error after the response started on {} {}", ex.getRequestMethod(), ex.getRequestPath(), t);
                ex.endExchange();
                return;
            }
            write(ex, t);
        }
    }

    void write(HttpServerExchange ex, Throwable t) {
        int status = statusOf(t);
        String code;
        String message;
        if (t instanceof MagsException m) {
            code = m.code();
            message = m.getMessage();
        } else if (isTooLarge(t)) {
            code = "request_too_large";
            message = "request body is larger than the server accepts";
        } else {
            LOG.error("unhandled error on {} {}", ex.getRequestMethod(), ex.getRequestPath(), t);
            code = "internal";
            message = "internal server error; see the server log";
        }
        if (status == StatusCodes.UNAUTHORIZED) {
            ex.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer realm=\"mags\"");
        }
        Exchanges.sendJson(ex, json, status, ApiError.of(code, message));
    }

    static int statusOf(Throwable t) {
        return switch (t) {
            case BadRequestException b -> StatusCodes.BAD_REQUEST;
            case UnauthorizedException u -> StatusCodes.UNAUTHORIZED;
            case ForbiddenException f -> StatusCodes.FORBIDDEN;
            case NotFoundException n -> StatusCodes.NOT_FOUND;
            case ConflictException c -> StatusCodes.CONFLICT;
            case UnavailableException u -> StatusCodes.SERVICE_UNAVAILABLE;
            case TooManyRequestsException r -> StatusCodes.TOO_MANY_REQUESTS;
            case InsufficientStorageException s -> StatusCodes.INSUFFICIENT_STORAGE;
            case PayloadTooLargeException p -> StatusCodes.REQUEST_ENTITY_TOO_LARGE;
            default -> isTooLarge(t) ? StatusCodes.REQUEST_ENTITY_TOO_LARGE : StatusCodes.INTERNAL_SERVER_ERROR;
        };
    }

    private static boolean isTooLarge(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof io.undertow.server.RequestTooBigException) {
                return true;
            }
        }
        return false;
    }
}
