package dev.mags.controlplane.ssh.files;

import java.io.IOException;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/** {@code Files.setAttribute} on a sandbox's file: what SFTP's setstat and scp's {@code -p} change. */
final class SandboxAttributeWriter {
    private SandboxAttributeWriter() {}

    @SuppressWarnings("unchecked")
    static void set(SandboxAttributeView view, AttributeNames names, Object value) throws IOException {
        SandboxPath path = view.path();
        String name = names.single();
        switch (name) {
            case "lastModifiedTime" -> view.setTimes((FileTime) value, null, null);
            // The sandbox's files take no access or birth time from outside; SFTP sends both times together.
            case "lastAccessTime", "creationTime" -> { }
            case "permissions" -> view.setPermissions((Set<PosixFilePermission>) value);
            case "owner" -> view.setOwner((UserPrincipal) value);
            case "group" -> view.setGroup((GroupPrincipal) value);
            case "uid" -> {
                SandboxAttributes now = view.readAttributes();
                path.getFileSystem().files().setOwner(path.sandboxPath(), ((Number) value).longValue(),
                        now.entry().gid());
            }
            case "gid" -> {
                SandboxAttributes now = view.readAttributes();
                path.getFileSystem().files().setOwner(path.sandboxPath(), now.entry().uid(),
                        ((Number) value).longValue());
            }
            case "mode" -> path.getFileSystem().files().setMode(path.sandboxPath(), ((Number) value).intValue());
            default -> throw new UnsupportedOperationException("cannot set '" + name + "' on a sandbox's file");
        }
    }
}
