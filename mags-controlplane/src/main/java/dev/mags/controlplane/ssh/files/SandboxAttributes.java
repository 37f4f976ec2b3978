package dev.mags.controlplane.ssh.files;

import dev.mags.protocol.v2.FileEntry;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A {@link FileEntry} as {@code java.nio.file} attributes, and as the maps of the basic, posix and unix views. */
record SandboxAttributes(FileEntry entry) implements PosixFileAttributes {
    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < BITS.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(BITS[bit]);
            }
        }
        return set;
    }

    static int mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (int bit = 0; bit < BITS.length; bit++) {
            if (permissions.contains(BITS[bit])) {
                mode |= 1 << bit;
            }
        }
        return mode;
    }

    /** The attributes {@code view:*} names, for {@code Files.readAttributes(path, "unix:*")} and the like. */
    Map<String, Object> asMap(String view) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("lastModifiedTime", lastModifiedTime());
        map.put("lastAccessTime", lastAccessTime());
        map.put("creationTime", creationTime());
        map.put("size", size());
        map.put("isRegularFile", isRegularFile());
        map.put("isDirectory", isDirectory());
        map.put("isSymbolicLink", isSymbolicLink());
        map.put("isOther", isOther());
        map.put("fileKey", null);
        if (!view.equals("basic")) {
            map.put("owner", owner());
            map.put("group", group());
            map.put("permissions", permissions());
        }
        if (view.equals("unix")) {
            map.put("uid", (int) entry.uid());
            map.put("gid", (int) entry.gid());
            map.put("mode", entry.mode());
        }
        return map;
    }

    @Override
    public UserPrincipal owner() {
        return new NumericPrincipal(entry.uid());
    }

    @Override
    public GroupPrincipal group() {
        return new NumericPrincipal(entry.gid());
    }

    @Override
    public Set<PosixFilePermission> permissions() {
        return permissions(entry.mode());
    }

    @Override
    public FileTime lastModifiedTime() {
        return FileTime.from(entry.modified());
    }

    /** The sandbox's files report no access or birth time: both read as the modification time. */
    @Override
    public FileTime lastAccessTime() {
        return lastModifiedTime();
    }

    @Override
    public FileTime creationTime() {
        return lastModifiedTime();
    }

    @Override
    public boolean isRegularFile() {
        return entry.type().equals("file");
    }

    @Override
    public boolean isDirectory() {
        return entry.type().equals("dir");
    }

    @Override
    public boolean isSymbolicLink() {
        return entry.type().equals("symlink");
    }

    @Override
    public boolean isOther() {
        return !isRegularFile() && !isDirectory() && !isSymbolicLink();
    }

    @Override
    public long size() {
        return entry.size();
    }

    @Override
    public Object fileKey() {
        return null;
    }
}
