package dev.mags.controlplane.ssh;

import dev.mags.protocol.v2.FileEntry;
import dev.mags.protocol.v2.SandboxFiles;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** {@link SandboxFiles} of {@link HostSandbox}: a host directory seen as {@code /} (by path; not confined). */
final class HostFiles implements SandboxFiles {
    private final Path root;

    HostFiles(Path root) {
        this.root = root;
    }

    /** The host path of a sandbox path. */
    Path host(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("not absolute: " + path);
        }
        Path relative = Path.of(path.substring(1)).normalize();
        if (relative.startsWith("..")) {
            throw new IllegalArgumentException("outside the sandbox: " + path);
        }
        return root.resolve(relative.toString());
    }

    @Override
    public FileEntry stat(String path, boolean followLinks) throws IOException {
        Path p = host(path);
        LinkOption[] options = followLinks ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        Map<String, Object> a = Files.readAttributes(p, "unix:*", options);
        int mode = (Integer) a.get("mode");
        String type = switch (mode & 0170000) {
            case 0100000 -> "file";
            case 0040000 -> "dir";
            case 0120000 -> "symlink";
            case 0010000 -> "fifo";
            case 0140000 -> "socket";
            case 0020000 -> "char";
            default -> "block";
        };
        String name = p.equals(root) ? "/" : p.getFileName().toString();
        return new FileEntry(name, type, (Long) a.get("size"), mode & 07777, (Integer) a.get("uid"),
                (Integer) a.get("gid"), ((FileTime) a.get("lastModifiedTime")).toInstant(),
                type.equals("symlink") ? Files.readSymbolicLink(p).toString() : null);
    }

    @Override
    public List<FileEntry> list(String dir) throws IOException {
        List<FileEntry> entries = new ArrayList<>();
        try (Stream<Path> children = Files.list(host(dir))) {
            for (Path child : children.toList()) {
                entries.add(stat((dir.endsWith("/") ? dir : dir + "/") + child.getFileName(), false));
            }
        }
        return entries;
    }

    @Override
    public SeekableByteChannel open(String path, Set<? extends OpenOption> options, int mode) throws IOException {
        return Files.newByteChannel(host(path), options, PosixFilePermissions.asFileAttribute(permissions(mode)));
    }

    @Override
    public void mkdir(String path, int mode) throws IOException {
        Files.createDirectory(host(path), PosixFilePermissions.asFileAttribute(permissions(mode)));
    }

    @Override
    public void delete(String path) throws IOException {
        if (path.equals("/")) {
            throw new AccessDeniedException(path);
        }
        Files.delete(host(path));
    }

    @Override
    public void rename(String from, String to, boolean replace) throws IOException {
        if (replace) {
            Files.move(host(from), host(to), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } else {
            Files.move(host(from), host(to));
        }
    }

    @Override
    public void symlink(String link, String target) throws IOException {
        Files.createSymbolicLink(host(link), Path.of(target));
    }

    @Override
    public String readLink(String path) throws IOException {
        return Files.readSymbolicLink(host(path)).toString();
    }

    @Override
    public void setMode(String path, int mode) throws IOException {
        Files.setPosixFilePermissions(host(path), permissions(mode));
    }

    @Override
    public void setOwner(String path, long uid, long gid) throws IOException {
        Files.setAttribute(host(path), "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(host(path), "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void setModified(String path, Instant modified) throws IOException {
        Files.setLastModifiedTime(host(path), FileTime.from(modified));
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        return PosixFilePermissions.fromString(rwx(mode >> 6) + rwx(mode >> 3) + rwx(mode));
    }

    private static String rwx(int bits) {
        return ((bits & 4) != 0 ? "r" : "-") + ((bits & 2) != 0 ? "w" : "-") + ((bits & 1) != 0 ? "x" : "-");
    }
}
