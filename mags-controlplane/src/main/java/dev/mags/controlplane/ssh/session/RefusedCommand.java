package dev.mags.controlplane.ssh.session;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/** A channel the gateway cannot serve: one line on stderr and exit status 1. */
final class RefusedCommand implements Command {
    private final String message;
    private OutputStream err;
    private ExitCallback exit;

    RefusedCommand(String message) {
        this.message = message;
    }

    @Override
    public void setInputStream(InputStream in) {
        // nothing is read
    }

    @Override
    public void setOutputStream(OutputStream out) {
        // nothing is written there
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        try {
            err.write((message + "\n").getBytes(StandardCharsets.UTF_8));
            err.flush();
        } catch (IOException e) {
            // the client has gone; the exit status is all that is left to send
        }
        exit.onExit(1, message);
    }

    @Override
    public void destroy(ChannelSession channel) {
        // nothing runs
    }
}
