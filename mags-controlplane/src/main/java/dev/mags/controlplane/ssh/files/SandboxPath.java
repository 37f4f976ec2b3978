package dev.mags.controlplane.ssh.files;

import java.io.IOException;
import java.net.URI;
import java.nio.file.LinkOption;
import java.util.List;
import org.apache.sshd.common.file.util.BasePath;

/** A path in a sandbox, as the sandbox sees it. */
public final class SandboxPath extends BasePath<SandboxPath, SandboxFileSystem> {
    SandboxPath(SandboxFileSystem fileSystem, String root, List<String> names) {
        super(fileSystem, root, names);
    }

    /** The absolute, normalised form {@link dev.mags.protocol.v2.SandboxFiles} takes. */
    String sandboxPath() {
        return toAbsolutePath().normalize().toString();
    }

    /** Checks that the path exists; {@code ..} is resolved by name, as the SFTP protocol's realpath does. */
    @Override
    public SandboxPath toRealPath(LinkOption... options) throws IOException {
        SandboxPath absolute = toAbsolutePath().normalize();
        getFileSystem().files().stat(absolute.toString(), false);
        return absolute;
    }

    @Override
    public URI toUri() {
        return URI.create(SandboxFileSystemProvider.SCHEME + "://" + sandboxPath());
    }
}
