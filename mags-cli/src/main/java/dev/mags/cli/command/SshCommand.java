package dev.mags.cli.command;

import dev.mags.api.AccessInfo;
import dev.mags.cli.ssh.ClientKey;
import dev.mags.cli.ssh.OpenSsh;
import dev.mags.cli.ssh.Programs;
import dev.mags.cli.ssh.SshKeygen;
import dev.mags.sdk.Mags;
import dev.mags.sdk.MagsApiException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;

/**
 * {@code mags ssh NAME [COMMAND...]}: a shell in the sandbox, or a command there, through the server's SSH
 * gateway with the system's {@code ssh}. The first run makes the CLI's key pair and registers its public key.
 */
@Command(
        name = "ssh",
        description = "Open a shell in a sandbox over SSH, or run a command there.",
        modelTransformer = SshCommand.WordsAfterName.class,
        exitCodeOnExecutionException = SshCommand.NO_CONNECTION,
        footerHeading = "%n",
        footer = {
            "Runs the system's ssh (OpenSSH) with a key of its own: the first run",
            "makes ~/.mags/id_ed25519 with ssh-keygen and registers its public key",
            "with the server. The server's host key is kept in ~/.mags/known_hosts.",
            "Everything after NAME is the command, as ssh takes it:",
            "  mags ssh dev ls -la",
            "",
            "Exit status:",
            "  N    the command's or the shell's exit status, as ssh reports it",
            "  255  no connection: ssh is not installed, the server cannot be",
            "       reached, NAME is not one of your jobs or workspaces, the server",
            "       runs no SSH gateway, or ssh itself failed",
            "  1    no API token (run 'mags login' or set MAGS_API_TOKEN)"
        })
public final class SshCommand implements Callable<Integer> {
    /** ssh's own code for "the connection could not be made". */
    static final int NO_CONNECTION = 255;
    private static final int SSH_PORT = 22;

    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Parameters(index = "0", paramLabel = "NAME",
            description = "The sandbox: a job's name, a workspace's name or a request id.")
    String name;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "COMMAND",
            description = "Run this instead of a shell (sh -c with the words joined by spaces, as ssh does).")
    List<String> command = new ArrayList<>();

    public SshCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Programs programs = new Programs(ctx.env().path());
        OpenSsh ssh = new OpenSsh(programs.find("ssh").orElseThrow(() -> missing("ssh")));
        ClientKey key = new ClientKey(ctx.env().home());
        if (!key.exists()) {
            key.ensure(new SshKeygen(programs.find("ssh-keygen").orElseThrow(() -> missing("ssh-keygen"))));
        }
        AccessInfo access;
        try (Mags mags = ctx.openClient()) {
            register(mags, key);
            access = access(mags);
        }
        List<String> line = ssh.command(key, key.privateKey().resolveSibling("known_hosts"), access.sshHost(),
                access.sshPort(), access.sshUser(), command);
        ctx.out().flush();
        ctx.err().flush();
        return ssh.run(line);
    }

    /** Registers the CLI's public key unless the server lists it among the caller's already. */
    private void register(Mags mags, ClientKey key) throws IOException {
        String fingerprint = key.fingerprint();
        boolean known = mags.listSshKeys().sshKeys().stream().anyMatch(k -> k.fingerprint().equals(fingerprint));
        if (known) {
            return;
        }
        try {
            mags.addSshKey(null, key.publicKeyLine());
        } catch (MagsApiException e) {
            if (e.status() == 409) {
                throw new CliException("the server has " + key.publicKey() + " registered for another user ("
                        + e.getMessage() + "); remove " + key.privateKey() + " and " + key.publicKey()
                        + " to make a new key for this account", NO_CONNECTION);
            }
            throw e;
        }
    }

    private AccessInfo access(Mags mags) {
        try {
            return mags.enableAccess(name, SSH_PORT);
        } catch (MagsApiException e) {
            if (e.status() == 404) {
                throw new CliException("no job or workspace named '" + name + "' among yours; `mags list` shows your"
                        + " jobs", NO_CONNECTION);
            }
            throw e;
        }
    }

    private static CliException missing(String program) {
        return new CliException(program + " (OpenSSH's client) is not installed or not on the PATH; install it"
                + " (Debian, Ubuntu: apt-get install openssh-client) and run mags ssh again", NO_CONNECTION);
    }

    /** Everything after NAME is the remote command, options included ({@code mags ssh dev ls -la}). */
    public static final class WordsAfterName implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            spec.parser().stopAtPositional(true);
            return spec;
        }
    }
}
