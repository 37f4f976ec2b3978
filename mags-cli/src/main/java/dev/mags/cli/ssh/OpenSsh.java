package dev.mags.cli.ssh;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The system's {@code ssh}, run in the foreground on the CLI's own terminal: it owns the terminal (raw mode,
 * window size, Ctrl-C) until it exits, and its exit status is the CLI's.
 */
public final class OpenSsh {
    private final Path program;

    public OpenSsh(Path program) {
        this.program = program;
    }

    /**
     * The command line: the CLI's key only (never the user's other keys or agent), the mags known_hosts with
     * trust on first use (quietly: a changed host key is still an error ssh prints), then {@code user@host} and the command's words, if any. The user and host come from
     * the server's answer; they must not read as options ({@code -oProxyCommand=...} would run a program here).
     */
    public List<String> command(ClientKey key, Path knownHosts, String host, int port, String user,
            List<String> remoteCommand) {
        if (!user.matches("[A-Za-z0-9][A-Za-z0-9_.-]*") || !host.matches("[A-Za-z0-9\\[][A-Za-z0-9.:\\[\\]-]*")) {
            throw new IllegalArgumentException("the server named an SSH login '" + user + "@" + host
                    + "' that is not a plain name and host");
        }
        List<String> cmd = new ArrayList<>(List.of(program.toString(), "-i", key.privateKey().toString(),
                "-p", Integer.toString(port), "-o", "IdentitiesOnly=yes", "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "StrictHostKeyChecking=accept-new", "-o", "LogLevel=ERROR", "--", user + "@" + host));
        cmd.addAll(remoteCommand);
        return cmd;
    }

    /** Runs {@code command} with the CLI's stdin, stdout and stderr; returns ssh's exit status. */
    public int run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        return p.waitFor();
    }
}
