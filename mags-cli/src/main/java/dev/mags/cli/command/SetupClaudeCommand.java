package dev.mags.cli.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mags setup-claude [--project[=DIR]]}: installs the Claude Code slash command {@code /mags} and the skill
 * {@code mags} for this CLI, in {@code ~/.claude/} or a project's {@code .claude/}. A file that already holds
 * the same text is left alone, so a second run changes nothing.
 */
@Command(name = "setup-claude",
        description = "Install the Claude Code slash command /mags and the skill 'mags' for this CLI.",
        footerHeading = "%nWrites:%n",
        footer = {
            "  ~/.claude/commands/mags.md       the slash command: /mags <what to run>",
            "  ~/.claude/skills/mags/SKILL.md   the skill, with this CLI's command reference",
            "With --project, under DIR/.claude/ instead. Files already up to date are left alone."
        })
public final class SetupClaudeCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    @Option(names = "--project", arity = "0..1", fallbackValue = ".", paramLabel = "DIR",
            description = "Install into DIR/.claude/ (default DIR: the current directory) instead of ~/.claude/.")
    Path project;

    public SetupClaudeCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        Path claude = (project == null ? ctx.env().home() : project.toAbsolutePath().normalize()).resolve(".claude");
        ClaudeFiles texts = new ClaudeFiles(spec.root().commandLine().getFactory(),
                new VersionProvider().getVersion()[0]);
        Map<Path, String> files = new LinkedHashMap<>();
        files.put(claude.resolve("commands/mags.md"), texts.slashCommand());
        files.put(claude.resolve("skills/mags/SKILL.md"), texts.skill());
        int changed = 0;
        for (Map.Entry<Path, String> file : files.entrySet()) {
            String what = install(file.getKey(), file.getValue());
            if (!what.equals("unchanged")) {
                changed++;
            }
            ctx.out().println(what + ": " + file.getKey());
        }
        ctx.out().println(changed == 0
                ? "Nothing to do: both files are up to date."
                : "In Claude Code, type /mags <what to run>; the skill 'mags' is used when a task calls for a sandbox.");
        return 0;
    }

    /** Writes {@code text} to {@code file} unless it holds it already; says which ("wrote", "updated", "unchanged"). */
    private static String install(Path file, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try {
            boolean exists = Files.exists(file);
            if (exists && java.util.Arrays.equals(Files.readAllBytes(file), bytes)) {
                return "unchanged";
            }
            Files.createDirectories(file.getParent());
            // Written aside and moved into place: Claude Code never reads a half-written file.
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return exists ? "updated" : "wrote";
        } catch (IOException e) {
            throw new CliException("cannot write " + file + ": " + e
                    + " (check that the directory is writable, or pick another with --project DIR)", 1);
        }
    }
}
