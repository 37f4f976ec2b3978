package dev.mags.agent.rootfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Directories and files that hold users' data on the host (disk images, restored bases): the agent's
 * (root's) alone, 0700 and 0600, whatever the process's umask. A host user who could enter them could read a sandbox's
 * files or run a setuid file a user planted in them.
 */
public final class PrivateDirs {
    private static final Logger LOG = LoggerFactory.getLogger(PrivateDirs.class);
    /** For {@code Files.createFile}: created 0600 (the umask can only take bits away). */
    public static final FileAttribute<Set<PosixFilePermission>> FILE = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<Set<PosixFilePermission>> DIR = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------"));

    private PrivateDirs() {}

    /** Creates {@code dir} (and missing parents) with mode 0700; tightens an existing one, saying so. */
    public static Path ensure(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir, DIR);
        }
        int mode = (int) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        if (mode != 0700) {
            Files.setAttribute(dir, "unix:mode", 0700, LinkOption.NOFOLLOW_LINKS);
            LOG.info("{}: mode {} -> 700 (it holds users' files)", dir, Integer.toOctalString(mode));
        }
        return dir;
    }
}
