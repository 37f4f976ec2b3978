package dev.mags.protocol.v2;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.OpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A running sandbox's files, by absolute paths as the sandbox sees them. The agent resolves every path on the
 * host beneath the sandbox's root (symlinks resolve as they would inside, never out of it) and never through
 * the overlay's upper layer. New files belong to the sandbox's root unless the call says otherwise. Failures
 * are the usual {@code java.nio.file} exceptions ({@code NoSuchFileException}, {@code
 * FileAlreadyExistsException}, {@code DirectoryNotEmptyException}, {@code AccessDeniedException}).
 */
public interface SandboxFiles {
    FileEntry stat(String path, boolean followLinks) throws IOException;

    /** The entries of a directory, without {@code .} and {@code ..}. */
    List<FileEntry> list(String dir) throws IOException;

    /**
     * Opens a file: READ, WRITE, APPEND, CREATE, CREATE_NEW, TRUNCATE_EXISTING as {@code Files.newByteChannel}
     * takes them; {@code mode} for a file it creates.
     */
    SeekableByteChannel open(String path, Set<? extends OpenOption> options, int mode) throws IOException;

    void mkdir(String path, int mode) throws IOException;

    /** Removes a file, a symlink or an empty directory. */
    void delete(String path) throws IOException;

    void rename(String from, String to, boolean replace) throws IOException;

    void symlink(String link, String target) throws IOException;

    String readLink(String path) throws IOException;

    void setMode(String path, int mode) throws IOException;

    void setOwner(String path, long uid, long gid) throws IOException;

    void setModified(String path, Instant modified) throws IOException;
}
