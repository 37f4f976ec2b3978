package dev.mags.controlplane.ssh.session;

import dev.mags.controlplane.ssh.SshTarget;
import dev.mags.controlplane.ssh.SshTargets;
import dev.mags.protocol.v2.CommandGate;
import dev.mags.protocol.v2.Exec;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.ExitReason;
import dev.mags.protocol.v2.PtySize;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shell or a command of an SSH channel, run as an exec in the sandbox the login name names. The lookup and
 * the exec's start happen on a thread of their own (not the SSH transport's); then the client's stdin is
 * copied to the exec, its output to the channel ({@link ChannelSink}), window changes and signals are passed
 * on, and its exit code becomes the channel's exit status. A client that goes away hangs the process up
 * (SIGHUP, SIGKILL after {@link #HANGUP_GRACE}).
 */
final class SandboxSession implements Command {
    static final Duration HANGUP_GRACE = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(SandboxSession.class);
    private static final int SIGHUP = 1;
    private static final int SIGKILL = 9;

    private final SshTargets targets;
    /** The command line; null for a login shell. */
    private final String commandLine;
    private final CompletableFuture<Exec> started = new CompletableFuture<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private volatile boolean closed;

    SandboxSession(SshTargets targets, String commandLine) {
        this.targets = targets;
        this.commandLine = commandLine;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
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
        String user = SessionUser.of(channel.getServerSession());
        String login = channel.getSession().getUsername();
        PtySize pty = GatewayChannel.pty(channel);
        Map<String, String> variables = Map.copyOf(env.getEnv());
        env.addSignalListener(this::signal);
        Thread.ofVirtual().name("ssh-" + login).start(() -> run(channel, user, login, variables, pty));
    }

    private void run(ChannelSession channel, String user, String login, Map<String, String> variables, PtySize pty) {
        ChannelSink sink = new ChannelSink(out, err);
        Optional<SshTarget> found;
        try {
            found = targets.resolve(user, login);
        } catch (RuntimeException e) {
            LOG.warn("SSH: cannot look up '{}' for user {}", Messages.printable(login), user, e);
            finish(sink, 1, Messages.cannotResolve(login, e), pty != null);
            return;
        }
        if (found.isEmpty()) {
            finish(sink, 1, Messages.notFound(login), pty != null);
            return;
        }
        try (SshTarget target = found.get()) {
            runIn(channel, target, sink, variables, pty);
        } catch (RuntimeException e) {
            LOG.warn("SSH: session in sandbox '{}' failed", found.get().name(), e);
        } finally {
            finish(sink, 1, "mags: the session failed; the server's log says why", pty != null);
        }
    }

    private void runIn(ChannelSession channel, SshTarget target, ChannelSink sink, Map<String, String> variables,
            PtySize pty) {
        ExecSpec spec = commandLine == null ? ExecSpecs.shell(variables, pty)
                : ExecSpecs.command(commandLine, variables, pty);
        Exec exec;
        try {
            exec = target.sandbox().exec(spec, sink, CommandGate.OPEN);
        } catch (RuntimeException e) {
            finish(sink, 1, Messages.cannotStart(commandLine == null ? "a shell" : "the command", target.name(), e),
                    pty != null);
            return;
        }
        started.complete(exec);
        if (closed) {
            hangUp(exec);
        }
        PtySize now = GatewayChannel.pty(channel);
        if (pty != null && !pty.equals(now)) {
            exec.resize(now);
        }
        StdinPump.start(in, exec, pty == null, channel.toString());
        ExecExit end;
        try {
            end = exec.exit().join();
        } catch (CompletionException e) {
            finish(sink, 1, "mags: the session's process failed: " + e.getCause().getMessage(), pty != null);
            return;
        }
        String detail = end.reason() == ExitReason.EXITED || end.detail().isEmpty() ? null : "mags: " + end.detail();
        finish(sink, end.exitCode() == null ? 1 : end.exitCode(), detail, pty != null);
    }

    private void signal(Channel channel, Signal signal) {
        Exec exec = started.getNow(null);
        if (exec == null) {
            return;
        }
        if (signal == Signal.WINCH) {
            PtySize size = GatewayChannel.pty((ChannelSession) channel);
            if (size != null) {
                exec.resize(size);
            }
        } else {
            exec.signal(signal.getNumeric());
        }
    }

    private void finish(ChannelSink sink, int code, String message, boolean terminal) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        if (message != null) {
            sink.message(message, terminal);
        }
        sink.flush();
        exit.onExit(code, message == null ? "" : message);
    }

    @Override
    public void destroy(ChannelSession channel) {
        closed = true;
        Exec exec = started.getNow(null);
        if (exec != null) {
            hangUp(exec);
        }
    }

    /** What a terminal's hang-up does to its session: SIGHUP, and SIGKILL for a process that ignores it. */
    private static void hangUp(Exec exec) {
        if (exec.exit().isDone()) {
            return;
        }
        exec.signal(SIGHUP);
        CompletableFuture.delayedExecutor(HANGUP_GRACE.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (!exec.exit().isDone()) {
                exec.signal(SIGKILL);
            }
        });
    }
}
