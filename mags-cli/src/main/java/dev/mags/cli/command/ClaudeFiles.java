package dev.mags.cli.command;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * The texts {@code mags setup-claude} installs: a Claude Code slash command and a skill, made from the templates
 * under {@code dev/mags/cli/claude/} and, for the skill's command reference, from the usage of every command this
 * CLI has, so that flags and notes such as "not supported yet" never drift from {@code --help}.
 */
final class ClaudeFiles {
    /** Commands an agent at a shell has no use for in the reference. */
    private static final Set<String> LEFT_OUT = Set.of("help", "setup-claude", "mcp");
    /** Commands of the hosted Mags CLI (the reference) that this CLI may not have yet. */
    private static final List<String> REFERENCE_ONLY = List.of("exec", "url", "cron");

    private static final String WITH_EXEC = """
            ## A command in a sandbox that stays

            ```bash
            mags new dev                     # a sandbox that stays up on workspace dev (-p: synced to storage)
            mags exec dev 'cd /root && ls -la'   # runs in that live sandbox, exits with the command's code
            mags stop dev
            ```""";

    private static final String WITHOUT_EXEC = """
            ## A command in a sandbox that stays

            `mags exec` of the hosted Mags CLI is not in this version. To run more commands in one sandbox,
            start it with `mags run -w NAME -p 'SCRIPT'` and send each next command with
            `mags run -w NAME 'COMMAND'`: it runs inside that sandbox once the one before has ended. (A sandbox
            made by `mags new NAME` keeps running `sleep infinity`, so a `mags run -w NAME` would wait for it;
            `mags ssh NAME COMMAND` reaches it where the server runs its SSH gateway.)""";

    private final CommandLine.IFactory factory;
    private final String version;

    ClaudeFiles(CommandLine.IFactory factory, String version) {
        this.factory = factory;
        this.version = version;
    }

    /** The slash command: {@code /mags <description>} in Claude Code. */
    String slashCommand() {
        return template("mags-command.md").replace("{{GUIDE}}", guide());
    }

    /** The skill, with the generated command reference. */
    String skill() {
        return template("SKILL.md")
                .replace("{{GUIDE}}", guide())
                .replace("{{VERSION}}", version)
                .replace("{{REFERENCE}}", reference());
    }

    private String guide() {
        boolean exec = MagsCommand.SUBCOMMANDS.containsKey("exec");
        return template("guide.md").strip()
                .replace("{{EXEC}}", exec ? WITH_EXEC : WITHOUT_EXEC)
                .replace("{{NOT_BUILT}}", notBuilt());
    }

    /**
     * What the hosted Mags CLI has and this one does not, as of this build: its commands missing from
     * {@link MagsCommand#SUBCOMMANDS}, and the options whose help says they are not supported yet.
     */
    private String notBuilt() {
        StringBuilder out = new StringBuilder();
        List<String> missing = REFERENCE_ONLY.stream().filter(c -> !MagsCommand.SUBCOMMANDS.containsKey(c))
                .map(c -> "`mags " + c + "`").toList();
        if (!missing.isEmpty()) {
            out.append("- Commands of the hosted Mags CLI that this one does not have (an unknown command, exit 2): ")
                    .append(String.join(", ", missing)).append(".\n");
        }
        for (CommandLine command : commands().getSubcommands().values()) {
            List<String> refused = command.getCommandSpec().options().stream()
                    .filter(o -> String.join(" ", o.description()).contains("not supported yet"))
                    .map(o -> "`" + String.join("`/`", o.names()) + "`").toList();
            if (!refused.isEmpty()) {
                out.append("- Options of `").append(command.getCommandSpec().qualifiedName())
                        .append("` that are refused with a clear error (exit 2): ").append(String.join(", ", refused)).append(".\n");
            }
        }
        return out.toString();
    }

    private String reference() {
        StringBuilder out = new StringBuilder();
        appendUsage(out, commands().getSubcommands());
        return out.toString().strip();
    }

    /** This CLI's commands as picocli models them for {@code --help}. */
    private CommandLine commands() {
        CommandLine root = new CommandLine(MagsCommand.class, factory);
        MagsCommand.SUBCOMMANDS.forEach((name, type) -> {
            if (!LEFT_OUT.contains(name)) {
                root.addSubcommand(name, new CommandLine(type, factory));
            }
        });
        return root;
    }

    private static void appendUsage(StringBuilder out, Map<String, CommandLine> commands) {
        for (Map.Entry<String, CommandLine> e : commands.entrySet()) {
            CommandLine command = e.getValue();
            if (LEFT_OUT.contains(e.getKey()) || !e.getKey().equals(command.getCommandName())) {
                continue; // aliases are listed under their command
            }
            out.append("### ").append(command.getCommandSpec().qualifiedName()).append("\n\n```text\n")
                    .append(command.getUsageMessage(CommandLine.Help.Ansi.OFF).strip())
                    .append("\n```\n\n");
            appendUsage(out, command.getSubcommands());
        }
    }

    private static String template(String name) {
        try (InputStream in = ClaudeFiles.class.getResourceAsStream("/dev/mags/cli/claude/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource dev/mags/cli/claude/" + name + " (a broken build?)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
