package dev.mags.controlplane.ssh.session;

import dev.mags.controlplane.ssh.SshTargets;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;
import org.apache.sshd.server.shell.ShellFactory;

/** What a session channel runs: a login shell ({@code ssh host}), a command ({@code ssh host 'cmd'}) or legacy scp. */
public final class SessionCommands implements ShellFactory, CommandFactory {
    private final SshTargets targets;

    public SessionCommands(SshTargets targets) {
        this.targets = targets;
    }

    @Override
    public Command createShell(ChannelSession channel) {
        return new SandboxSession(targets, null);
    }

    @Override
    public Command createCommand(ChannelSession channel, String command) {
        if (LegacyScp.isServerMode(command)) {
            return LegacyScp.create(targets, channel, command);
        }
        return new SandboxSession(targets, command);
    }
}
