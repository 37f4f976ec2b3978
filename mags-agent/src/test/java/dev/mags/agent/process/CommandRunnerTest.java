package dev.mags.agent.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandRunnerTest {
    private final FakeProcessLauncher launcher = new FakeProcessLauncher();
    private final CommandRunner runner = new CommandRunner(launcher);

    @Test
    void returnsStdoutAndStderrOfASuccessfulCommand() {
        launcher.respond(argv -> FakeProcess.exits(0, "one\ntwo\n", "warning\n"));

        CommandResult result = runner.run(List.of("tool", "--flag"), Duration.ofSeconds(1));

        assertThat(result.stdout()).isEqualTo("one\ntwo\n");
        assertThat(result.stderr()).isEqualTo("warning\n");
        assertThat(launcher.last()).containsExactly("tool", "--flag");
    }

    @Test
    void failureMessageNamesArgvExitCodeAndStderr() {
        launcher.respond(argv -> FakeProcess.exits(32, "", "mount: permission denied\n"));

        assertThatThrownBy(() -> runner.run(List.of("mount", "-t", "overlay"), Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(CommandFailedException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(32);
                    assertThat(e.stderr()).contains("permission denied");
                    assertThat(e.getMessage())
                            .contains("mount -t overlay")
                            .contains("exited with code 32")
                            .contains("stderr: mount: permission denied");
                });
    }

    @Test
    void killsACommandThatOutlivesItsTimeout() {
        FakeProcess hanging = FakeProcess.hangs();
        launcher.respond(argv -> hanging);

        assertThatThrownBy(() -> runner.run(List.of("sleep", "infinity"), Duration.ofMillis(50)))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("sleep infinity")
                .hasMessageContaining("timed out after 50 ms");
        assertThat(hanging.wasDestroyed()).isTrue();
    }

    @Test
    void reportsACommandThatCannotStart() {
        launcher.respond(argv -> null);

        assertThatThrownBy(() -> runner.run(List.of("no-such-tool"), Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(CommandFailedException.class, e -> {
                    assertThat(e.exitCode()).isNull();
                    assertThat(e.getMessage()).contains("no-such-tool").contains("could not start");
                });
    }

    @Test
    void handsEveryLineToTheProgressConsumer() {
        launcher.respond(argv -> FakeProcess.exits(0, "I: downloading\nI: extracting\n", ""));
        List<String> lines = new ArrayList<>();

        runner.run(List.of("mmdebstrap"), Duration.ofSeconds(1), line -> {
            synchronized (lines) {
                lines.add(line);
            }
        });

        assertThat(lines).containsExactly("I: downloading", "I: extracting");
    }

    @Test
    void restoresTheInterruptFlag() {
        launcher.respond(argv -> FakeProcess.hangs());
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> runner.run(List.of("sleep"), Duration.ofSeconds(5)))
                    .isInstanceOf(CommandFailedException.class)
                    .hasMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aCommandWritingToAFileFailsWithTheEndOfThatFile(@TempDir Path dir) {
        Path out = dir.resolve("create.out");
        launcher.respond(argv -> {
            try {
                Files.writeString(out, "ERRO[0000] container with id exists: s1\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return FakeProcess.exits(1, "", "");
        });

        assertThatThrownBy(() -> runner.runWritingTo(List.of("runc", "create", "s1"), Duration.ofSeconds(1), out))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("runc create s1")
                .hasMessageContaining("exited with code 1")
                .hasMessageContaining("container with id exists");
    }
}
