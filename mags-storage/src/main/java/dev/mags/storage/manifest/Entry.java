package dev.mags.storage.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One file system object of a snapshot.
 *
 * @param path    relative to the snapshot root with '/' separators; the root itself is ""
 * @param mode    permission bits including setuid, setgid and sticky (07777), without the type bits
 * @param mtimeNs modification time in nanoseconds since the epoch
 * @param size    bytes of a FILE (and of its HARDLINKs), else 0
 * @param target  a SYMLINK's target, or the path of the FILE a HARDLINK shares its inode with
 * @param major   device major number (CHAR_DEVICE, BLOCK_DEVICE)
 * @param minor   device minor number
 * @param opaque  a DIR with {@code trusted.overlay.opaque=y}: hides everything of the lower layers beneath it
 * @param xattrs  extended attributes kept (user.*, security.capability, system.posix_acl_*), values base64
 * @param chunks  a FILE's chunk ids (SHA-256 hex) in order
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
public record Entry(@JsonInclude(Include.ALWAYS) String path, EntryType type, int mode, long uid, long gid, long mtimeNs, long size, String target,
                    int major, int minor, boolean opaque, Map<String, String> xattrs, List<String> chunks) {
    public Entry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        xattrs = xattrs == null ? Map.of() : Map.copyOf(xattrs);
        chunks = chunks == null ? List.of() : List.copyOf(chunks);
    }

    public boolean isFile() {
        return type == EntryType.FILE;
    }

    public Entry withChunks(List<String> newChunks, long newSize) {
        return new Entry(path, type, mode, uid, gid, mtimeNs, newSize, target, major, minor, opaque, xattrs, newChunks);
    }
}
