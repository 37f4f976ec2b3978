package dev.mags.controlplane.ssh.session;

import dev.mags.controlplane.ssh.SshTarget;
import dev.mags.controlplane.ssh.SshTargets;
import dev.mags.controlplane.ssh.files.SandboxFileSystem;
import dev.mags.controlplane.ssh.files.SandboxSftpAccessor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.subsystem.SubsystemFactory;
import org.apache.sshd.sftp.server.SftpSubsystem;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * The {@code sftp} subsystem (also what modern {@code scp} speaks): MINA's SFTP server on the channel's sandbox's
 * files ({@link SandboxFileSystem}), home {@code /root}.
 */
public final class SandboxSftp implements SubsystemFactory {
    private final SshTargets targets;
    private final SftpSubsystemFactory configuration = new SftpSubsystemFactory.Builder()
            .withFileSystemAccessor(SandboxSftpAccessor.INSTANCE).build();

    public SandboxSftp(SshTargets targets) {
        this.targets = targets;
    }

    @Override
    public String getName() {
        return SftpSubsystemFactory.NAME;
    }

    @Override
    public Command createSubsystem(ChannelSession channel) {
        Targets.Lookup lookup = Targets.lookup(targets, channel);
        if (lookup.refusal() != null) {
            return lookup.refusal();
        }
        return new Subsystem(channel, configuration, lookup.target());
    }

    /** MINA's SFTP server, on the sandbox's files instead of the file system the server was given. */
    private static final class Subsystem extends SftpSubsystem {
        private final SshTarget target;
        private final AtomicBoolean released = new AtomicBoolean();

        Subsystem(ChannelSession channel, SftpSubsystemFactory configuration, SshTarget target) {
            super(channel, configuration);
            this.target = target;
        }

        @Override
        public void setFileSystemFactory(FileSystemFactory factory, SessionContext session) {
            setFileSystem(SandboxFileSystem.of(target.sandbox().files()));
        }

        @Override
        public void destroy(ChannelSession channel) {
            try {
                super.destroy(channel);
            } finally {
                if (released.compareAndSet(false, true)) {
                    Targets.release(target);
                }
            }
        }
    }
}
