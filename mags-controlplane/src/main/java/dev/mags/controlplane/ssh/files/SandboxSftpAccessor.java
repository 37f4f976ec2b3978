package dev.mags.controlplane.ssh.files;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.FileLock;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.Set;
import org.apache.sshd.sftp.server.DirectoryHandle;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

/**
 * How MINA's SFTP server opens files on a {@link SandboxFileSystem}: through its provider's byte channels (the
 * default accessor wants the host's {@code FileChannel} and secure directory streams, which only the host's own
 * file system has). Symlinks are resolved by the agent beneath the sandbox's root either way.
 */
public final class SandboxSftpAccessor implements SftpFileSystemAccessor {
    public static final SandboxSftpAccessor INSTANCE = new SandboxSftpAccessor();

    private SandboxSftpAccessor() {}

    @Override
    public SeekableByteChannel openFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle,
            Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        return Files.newByteChannel(file, options, attrs);
    }

    @Override
    public DirectoryStream<Path> openDirectory(SftpSubsystemProxy subsystem, DirectoryHandle dirHandle, Path dir,
            String handle, LinkOption... linkOptions) throws IOException {
        return Files.newDirectoryStream(dir);
    }

    @Override
    public FileLock tryLock(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle,
            Channel channel, long position, long size, boolean shared) {
        throw new UnsupportedOperationException("byte-range locks are not offered on a sandbox's files");
    }

    /** Refused rather than pretended: the gateway cannot make the agent flush a file to its disk. */
    @Override
    public void syncFileData(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle,
            Channel channel) {
        throw new UnsupportedOperationException("fsync is not offered on a sandbox's files");
    }

    @Override
    public void closeFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle,
            Channel channel, Set<? extends OpenOption> options) throws IOException {
        if (channel != null && channel.isOpen()) {
            channel.close();
        }
    }

    @Override
    public String toString() {
        return "SandboxSftpAccessor";
    }
}
