package dev.mags.controlplane.ssh.session;

import dev.mags.controlplane.ssh.SshTarget;
import dev.mags.controlplane.ssh.SshTargets;
import java.util.Optional;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The lookup of a channel's sandbox for the file transfers (SFTP, legacy scp), which need it up front. */
final class Targets {
    private static final Logger LOG = LoggerFactory.getLogger(Targets.class);

    /** The target, or the command that refuses the channel (not found, or the lookup failed). */
    record Lookup(SshTarget target, Command refusal) {}

    private Targets() {}

    static Lookup lookup(SshTargets targets, ChannelSession channel) {
        String user = SessionUser.of(channel.getServerSession());
        String login = channel.getSession().getUsername();
        try {
            Optional<SshTarget> found = targets.resolve(user, login);
            return found.map(t -> new Lookup(t, null))
                    .orElseGet(() -> new Lookup(null, new RefusedCommand(Messages.notFound(login))));
        } catch (RuntimeException e) {
            LOG.warn("SSH: cannot look up '{}' for user {}", Messages.printable(login), user, e);
            return new Lookup(null, new RefusedCommand(Messages.cannotResolve(login, e)));
        }
    }

    static void release(SshTarget target) {
        try {
            target.close();
        } catch (RuntimeException e) {
            LOG.warn("SSH: releasing sandbox '{}' failed", target.name(), e);
        }
    }
}
