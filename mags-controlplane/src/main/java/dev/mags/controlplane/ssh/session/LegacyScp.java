package dev.mags.controlplane.ssh.session;

import dev.mags.controlplane.ssh.SshTarget;
import dev.mags.controlplane.ssh.SshTargets;
import dev.mags.controlplane.ssh.files.SandboxFileSystem;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.scp.common.ScpHelper;
import org.apache.sshd.scp.server.ScpCommand;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * {@code scp -O} (the legacy protocol: the client runs {@code scp -t DIR} or {@code scp -f FILE} on the server):
 * MINA's scp server on the sandbox's files, so that it works in images without an scp of their own. Only those
 * two server modes are taken over; any other command starting with {@code scp} runs in the sandbox.
 */
final class LegacyScp {
    /** {@code scp} followed by options that include the server's -t (to) or -f (from). */
    private static final Pattern SERVER_MODE = Pattern.compile("scp( -[a-zA-Z]+)*? -[a-zA-Z]*[tf][a-zA-Z]*( .*)?");

    private LegacyScp() {}

    static boolean isServerMode(String command) {
        return command.startsWith(ScpHelper.SCP_COMMAND_PREFIX + " ") && SERVER_MODE.matcher(command).matches();
    }

    static Command create(SshTargets targets, ChannelSession channel, String command) {
        Targets.Lookup lookup = Targets.lookup(targets, channel);
        if (lookup.refusal() != null) {
            return lookup.refusal();
        }
        return new Scp(channel, command, lookup.target());
    }

    private static final class Scp extends ScpCommand {
        private final SshTarget target;
        private final AtomicBoolean released = new AtomicBoolean();

        Scp(ChannelSession channel, String command, SshTarget target) {
            super(channel, command, null, ScpHelper.DEFAULT_SEND_BUFFER_SIZE, ScpHelper.DEFAULT_RECEIVE_BUFFER_SIZE,
                    null, null);
            this.target = target;
        }

        @Override
        public void setFileSystemFactory(FileSystemFactory factory, SessionContext session) {
            setFileSystem(SandboxFileSystem.of(target.sandbox().files()));
        }

        @Override
        public void destroy(ChannelSession channel) throws Exception {
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
