package dev.mags.controlplane.ssh.files;

import java.io.IOException;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/** Reads and changes a sandbox file's times, mode and owner. */
record SandboxAttributeView(SandboxPath path, boolean followLinks) implements PosixFileAttributeView {
    @Override
    public String name() {
        return "posix";
    }

    @Override
    public SandboxAttributes readAttributes() throws IOException {
        return new SandboxAttributes(path.getFileSystem().files().stat(path.sandboxPath(), followLinks));
    }

    /** Only the modification time is kept: a sandbox's files take no access or birth time from outside. */
    @Override
    public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime) throws IOException {
        if (lastModifiedTime != null) {
            path.getFileSystem().files().setModified(path.sandboxPath(), lastModifiedTime.toInstant());
        }
    }

    @Override
    public void setPermissions(Set<PosixFilePermission> perms) throws IOException {
        path.getFileSystem().files().setMode(path.sandboxPath(), SandboxAttributes.mode(perms));
    }

    @Override
    public void setOwner(UserPrincipal owner) throws IOException {
        SandboxAttributes now = readAttributes();
        path.getFileSystem().files().setOwner(path.sandboxPath(), id(owner), now.entry().gid());
    }

    @Override
    public void setGroup(GroupPrincipal group) throws IOException {
        SandboxAttributes now = readAttributes();
        path.getFileSystem().files().setOwner(path.sandboxPath(), now.entry().uid(), id(group));
    }

    @Override
    public UserPrincipal getOwner() throws IOException {
        return readAttributes().owner();
    }

    static long id(UserPrincipal principal) throws IOException {
        return NumericPrincipal.parse(principal.getName()).id();
    }
}
