package dev.mags.protocol.v2;

import java.time.Instant;

/**
 * A file in a sandbox, as the sandbox sees it (ids inside its user namespace).
 *
 * @param name       the last component of its path
 * @param type       "file", "dir", "symlink", "fifo", "socket", "char" or "block"
 * @param mode       permission bits with setuid, setgid and sticky (07777)
 * @param linkTarget a symlink's target; null otherwise
 */
public record FileEntry(String name, String type, long size, int mode, long uid, long gid, Instant modified,
                        String linkTarget) {}
