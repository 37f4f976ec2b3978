package dev.mags.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mags setup-claude} on an empty home, again, after an edit, and with {@code --project}. */
class SetupClaudeCommandTest {
    @TempDir
    Path tmp;

    private CliFixture cli;

    private CliFixture cli() {
        cli = new CliFixture(tmp.resolve("home"));
        return cli;
    }

    @AfterEach
    void tearDown() {
        if (cli != null) {
            cli.close();
        }
    }

    private Path command() {
        return tmp.resolve("home/.claude/commands/mags.md");
    }

    private Path skill() {
        return tmp.resolve("home/.claude/skills/mags/SKILL.md");
    }

    @Test
    void anEmptyHomeGetsTheSlashCommandAndTheSkill() throws Exception {
        CliFixture.Result r = cli().run("setup-claude");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote: " + command(), "wrote: " + skill(), "/mags");
        String slash = Files.readString(command());
        assertThat(slash).startsWith("---\ndescription: ").contains("$ARGUMENTS", "mags run 'echo Hello World'",
                "mags run -w NAME -p 'SCRIPT'");
        String skill = Files.readString(skill());
        assertThat(skill).startsWith("---\nname: mags\ndescription: ");
        // The reference is this CLI's own usage: flags as --help shows them.
        assertThat(skill).contains("### mags run", "-w, -n, --name, --workspace=NAME", "### mags workspace delete",
                "-f, --file=PATH", "## Not in this version");
        assertThat(skill).doesNotContain("{{", "### mags mcp", "### mags setup-claude");
    }

    @Test
    void whatIsNotBuiltFollowsTheCli() throws Exception {
        assertThat(cli().run("setup-claude").exit()).isZero();
        String skill = Files.readString(skill());
        String missing = skill.lines().filter(l -> l.startsWith("- Commands of the hosted Mags CLI")).findFirst().orElse("");
        for (String command : java.util.List.of("exec", "url", "cron")) {
            assertThat(missing.contains("`mags " + command + "`")).as(command)
                    .isEqualTo(!dev.mags.cli.command.MagsCommand.SUBCOMMANDS.containsKey(command));
        }
        // from the options whose --help says "not supported yet": none is left in this version
        assertThat(skill).doesNotContain("that are refused with a clear error");
    }

    @Test
    void aSecondRunChangesNothingAndSaysSo() throws Exception {
        assertThat(cli().run("setup-claude").exit()).isZero();
        FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(command(), old);
        Files.setLastModifiedTime(skill(), old);
        String before = Files.readString(skill());

        CliFixture.Result again = cli.run("setup-claude");

        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("unchanged: " + command(), "unchanged: " + skill(), "Nothing to do")
                .doesNotContain("wrote");
        assertThat(Files.getLastModifiedTime(command())).isEqualTo(old);
        assertThat(Files.getLastModifiedTime(skill())).isEqualTo(old);
        assertThat(Files.readString(skill())).isEqualTo(before);
    }

    @Test
    void anEditedFileIsPutBack() throws Exception {
        assertThat(cli().run("setup-claude").exit()).isZero();
        String original = Files.readString(command());
        Files.writeString(command(), "something else");

        CliFixture.Result r = cli.run("setup-claude");

        assertThat(r.out()).contains("updated: " + command(), "unchanged: " + skill());
        assertThat(Files.readString(command())).isEqualTo(original);
        try (var files = Files.list(command().getParent())) {
            assertThat(files).containsExactly(command()); // no temp file left
        }
    }

    @Test
    void projectWritesUnderTheProjectsClaudeDirectory() throws Exception {
        Path project = tmp.resolve("proj");
        Files.createDirectories(project);

        CliFixture.Result r = cli().run("setup-claude", "--project=" + project);

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(project.resolve(".claude/commands/mags.md")).isRegularFile();
        assertThat(project.resolve(".claude/skills/mags/SKILL.md")).isRegularFile();
        assertThat(tmp.resolve("home/.claude")).doesNotExist();
        assertThat(r.out()).contains("wrote: " + project.resolve(".claude/commands/mags.md"));
    }

    @Test
    void anUnwritablePlaceIsACleanError() throws Exception {
        Path blocker = tmp.resolve("file");
        Files.writeString(blocker, "x"); // a file where .claude's parent directory should be

        CliFixture.Result r = cli().run("setup-claude", "--project=" + blocker);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("mags: cannot write " + blocker.resolve(".claude/commands/mags.md"))
                .contains("--project DIR");
    }
}
