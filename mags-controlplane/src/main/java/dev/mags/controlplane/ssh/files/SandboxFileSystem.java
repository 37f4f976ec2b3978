package dev.mags.controlplane.ssh.files;

import dev.mags.protocol.v2.SandboxFiles;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.List;
import java.util.Set;
import org.apache.sshd.common.file.util.BaseFileSystem;

/**
 * A sandbox's files as a {@link java.nio.file.FileSystem}, for MINA's SFTP and scp servers: every operation goes
 * to the sandbox's {@link SandboxFiles}, which the agent resolves beneath the sandbox's root. Relative paths
 * start at {@code /root}. Owners are numeric ids as the sandbox sees them (SFTP version 3 sends numbers).
 */
public final class SandboxFileSystem extends BaseFileSystem<SandboxPath> {
    static final String HOME = "/root";

    private final SandboxFiles files;
    private volatile boolean open = true;

    private SandboxFileSystem(SandboxFileSystemProvider provider, SandboxFiles files) {
        super(provider);
        this.files = files;
    }

    public static SandboxFileSystem of(SandboxFiles files) {
        return new SandboxFileSystem(new SandboxFileSystemProvider(), files);
    }

    SandboxFiles files() {
        return files;
    }

    @Override
    public SandboxPath getDefaultDir() {
        return getPath(HOME);
    }

    @Override
    protected SandboxPath create(String root, List<String> names) {
        return new SandboxPath(this, root, names);
    }

    @Override
    public void close() {
        open = false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return Set.of("basic", "posix", "unix", "owner");
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return new UserPrincipalLookupService() {
            @Override
            public UserPrincipal lookupPrincipalByName(String name) throws UserPrincipalNotFoundException {
                return NumericPrincipal.parse(name);
            }

            @Override
            public GroupPrincipal lookupPrincipalByGroupName(String group) throws UserPrincipalNotFoundException {
                return NumericPrincipal.parse(group);
            }
        };
    }
}
