package dev.mags.wire;

import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;

/**
 * A failure as it crosses the wire, so that the caller of a {@code RemoteAgent} gets the exception the agent threw:
 * an {@link AgentException} with its code, one of the {@code java.nio.file} exceptions the contract names for
 * files, a {@link ConnectException} for a port nothing listens on, an {@link IllegalArgumentException} for a value
 * the contract refuses.
 *
 * @param kind    {@code agent}, {@code file}, {@code connect}, {@code io}, {@code invalid} or {@code internal}
 * @param code    the {@link AgentErrorCode} for {@code agent}; the exception's simple class name for {@code file}
 * @param message what happened, for people
 * @param path    the file a {@code file} failure is about
 */
public record WireError(String kind, String code, String message, String path) {
    public static WireError of(Throwable e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return switch (e) {
            case AgentException a -> new WireError("agent", a.code().name(), message, null);
            case FileSystemException f -> new WireError("file", f.getClass().getSimpleName(), f.getReason(), f.getFile());
            case ConnectException c -> new WireError("connect", null, message, null);
            case IOException io -> new WireError("io", null, message, null);
            case IllegalArgumentException i -> new WireError("invalid", null, message, null);
            default -> new WireError("internal", e.getClass().getSimpleName(), message, null);
        };
    }

    /** The HTTP status this failure is answered with. */
    public int status() {
        return switch (kind) {
            case "agent" -> switch (AgentErrorCode.valueOf(code)) {
                case NOT_FOUND, IMAGE_MISSING -> 404;
                case INVALID_SPEC -> 400;
                case WORKSPACE_BUSY, FROZEN -> 409;
                case SHUTTING_DOWN, CAPACITY -> 503;
                default -> 500;
            };
            case "file", "invalid" -> 400;
            case "connect" -> 502;
            default -> 500;
        };
    }

    /** The failure as the exception the agent threw; an unchecked one when it is not an {@link IOException}. */
    public Exception toException() {
        return switch (kind) {
            case "agent" -> new AgentException(agentCode(), message);
            case "file" -> fileException();
            case "connect" -> new ConnectException(message);
            case "io" -> new IOException(message);
            case "invalid" -> new IllegalArgumentException(message);
            default -> new IllegalStateException("the agent failed: " + message);
        };
    }

    private AgentErrorCode agentCode() {
        try {
            return AgentErrorCode.valueOf(code);
        } catch (IllegalArgumentException | NullPointerException e) {
            return AgentErrorCode.RUNTIME_FAILED;
        }
    }

    private IOException fileException() {
        return switch (code == null ? "" : code) {
            case "NoSuchFileException" -> new NoSuchFileException(path, null, message);
            case "FileAlreadyExistsException" -> new FileAlreadyExistsException(path, null, message);
            case "DirectoryNotEmptyException" -> new DirectoryNotEmptyException(path);
            case "AccessDeniedException" -> new AccessDeniedException(path, null, message);
            case "NotDirectoryException" -> new NotDirectoryException(path);
            case "NotLinkException" -> new NotLinkException(path, null, message);
            default -> new FileSystemException(path, null, message);
        };
    }
}
